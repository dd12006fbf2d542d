package io.partnner.examples.cli;

import io.partnner.actors.EdgeGateway;
import io.partnner.actors.Partnner;
import io.partnner.models.InputShapes;
import io.partnner.models.OrtModelLoader;
import io.partnner.models.PartitionedModel;
import io.partnner.runtime.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code chaos}: faults injected into separate cloud node processes under load; every request must get one answer. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
    description = "Start an edge in this process and cloud nodes as separate JVMs, keep requests in flight, inject a "
        + "fault (kill-cloud: SIGKILL to a cloud process; pause-cloud: SIGSTOP, then SIGCONT; drop-link: an outage of "
        + "the emulated edge-cloud link) and count the answers.")
final class ChaosCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--scenario", required = true, paramLabel = "kill-cloud|pause-cloud|drop-link", description = "the fault")
  String scenario;

  @Option(names = "--requests", paramLabel = "N", description = "requests to send (default ${DEFAULT-VALUE})")
  int requests = 200;

  @Option(names = "--model", paramLabel = "MODEL", description = "model (default ${DEFAULT-VALUE})")
  String model = "zoo:mobilenet_v2@0.5";

  @Option(names = "--clouds", paramLabel = "K", description = "cloud node processes (default ${DEFAULT-VALUE})")
  int clouds = 2;

  @Option(names = "--concurrency", paramLabel = "C", description = "requests in flight at once (default ${DEFAULT-VALUE})")
  int concurrency = 4;

  @Option(names = "--strategy", paramLabel = "S", description = "edge strategy (default ${DEFAULT-VALUE}: all work in the cloud, so a fault hits requests in flight)")
  String strategy = "cloud-only";

  @Option(names = "--pause-s", paramLabel = "S", description = "pause-cloud: how long the process stays stopped (default ${DEFAULT-VALUE})")
  int pauseSeconds = 8;

  @Option(names = "--outage-s", paramLabel = "S", description = "drop-link: how long the link carries nothing (default ${DEFAULT-VALUE})")
  int outageSeconds = 6;

  @Option(names = "--device", paramLabel = "xF", description = "emulated edge slowdown (default ${DEFAULT-VALUE})")
  String device = "x1";

  @Option(names = "--link", paramLabel = "PRESET", description = "emulated link (default: none; lte for drop-link)")
  String link;

  @Option(names = "--deadline-s", paramLabel = "S", description = "cloud deadline of a request before the edge takes it back (default ${DEFAULT-VALUE})")
  int deadlineSeconds = 3;

  /** What the counting actor saw. */
  static final class Tally {
    final Map<Long, Integer> answers = new ConcurrentHashMap<>();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong fellBack = new AtomicLong();
    final AtomicLong total = new AtomicLong();
    final AtomicLong slowestFallbackNanos = new AtomicLong();
    final List<String> reasons = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Answer times of results a cloud executor served. */
    final List<Long> cloudServedAt = java.util.Collections.synchronizedList(new ArrayList<>());
    final Semaphore inFlight;
    final CountDownLatch all;

    Tally(int concurrency, int requests) {
      inFlight = new Semaphore(concurrency);
      all = new CountDownLatch(requests);
    }

    Behavior<EdgeGateway.Answer> behavior() {
      return Behaviors.receiveMessage(answer -> {
        total.incrementAndGet();
        if (answer instanceof EdgeGateway.Answered answered) {
          if (answers.merge(answered.result().requestId(), 1, Integer::sum) == 1) {
            all.countDown();
            inFlight.release();
          }
          if (!answered.result().servedBy().equals("edge")) {
            cloudServedAt.add(System.nanoTime());
          }
          if (answered.result().fallback().isPresent()) {
            fellBack.incrementAndGet();
            slowestFallbackNanos.accumulateAndGet(answered.result().latency().totalNanos(), Math::max);
          }
        } else {
          rejected.incrementAndGet();
          reasons.add(((EdgeGateway.Rejected) answer).reason());
          all.countDown();
          inFlight.release();
        }
        return Behaviors.same();
      });
    }

    long distinct() {
      return answers.size() + rejected.get();
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!List.of("kill-cloud", "pause-cloud", "drop-link").contains(scenario)) {
      throw new CommandFailure("--scenario '" + scenario + "': expected kill-cloud, pause-cloud or drop-link");
    }
    String emulatedLink = link != null ? link : scenario.equals("drop-link") ? "lte" : "none";
    if (scenario.equals("drop-link") && emulatedLink.equals("none")) {
      throw new CommandFailure("--scenario drop-link needs an emulated --link (a preset such as lte)");
    }
    if (requests < 1 || clouds < 1 || concurrency < 1) {
      throw new CommandFailure("--requests, --clouds and --concurrency must be at least 1");
    }
    PartitionedModel analysed = PartitionedModel.analyze(ModelOptions.resolve(model), InputShapes.none());
    Map<String, Tensor> inputs = analysed.sampleInputs();
    Map<String, Object> overrides = Nodes.port(0);
    overrides.put("partnner.planner.strategy", strategy);
    overrides.put("partnner.gateway.cloud-deadline", deadlineSeconds + "s");
    overrides.put("partnner.gateway.max-in-flight", Math.max(64, concurrency * 2));
    overrides.put("partnner.edge.link", emulatedLink);
    overrides.put("partnner.edge.device", device);
    List<Process> processes = new ArrayList<>();
    Path logs = Files.createTempDirectory("partnner-chaos");
    try (Partnner edge = Partnner.start(OrtModelLoader.of(analysed, Map.of()), Nodes.edgeConfig(overrides))) {
      for (int i = 0; i < clouds; i++) {
        processes.add(Nodes.spawnCloud(edge.address(), logs.resolve("cloud-" + i + ".log")));
      }
      out.printf(Locale.ROOT, "chaos %s: edge %s, %d cloud processes (pids %s, logs in %s), model %s, strategy %s, "
              + "link %s%n", scenario, edge.address(), clouds, processes.stream().map(Process::pid).toList(), logs,
          analysed.model().name(), strategy, emulatedLink);
      Nodes.awaitExecutors(edge, clouds, Duration.ofMinutes(3));
      Tally tally = new Tally(concurrency, requests);
      ActorRef<EdgeGateway.Answer> counter = edge.system().systemActorOf(tally.behavior(), "chaos-counter", Props.empty());
      Process victim = processes.get(0);
      long faultAt = -1;
      for (int sent = 0; sent < requests; sent++) {
        if (!tally.inFlight.tryAcquire(5, TimeUnit.MINUTES)) {
          throw new CommandFailure("no answer for 5 minutes with " + concurrency + " requests in flight");
        }
        if (sent == requests / 3 && faultAt < 0) {
          faultAt = System.nanoTime();
          if (scenario.equals("drop-link")) {
            out.println("fault: the emulated link carries nothing for " + outageSeconds + " s");
            edge.linkOutage(Duration.ofSeconds(outageSeconds)).toCompletableFuture().get(10, TimeUnit.SECONDS);
          } else {
            victim = busiest(edge, processes, logs);
            inject(victim, out);
          }
        }
        edge.infer(inputs, counter);
      }
      long waitSeconds = (long) deadlineSeconds * 3 + pauseSeconds + 120;
      boolean complete = tally.all.await(waitSeconds, TimeUnit.SECONDS);
      if (scenario.equals("pause-cloud") && victim.isAlive()) {
        signal(victim, "CONT");
      }
      EdgeGateway.Stats stats = edge.stats().toCompletableFuture().get(10, TimeUnit.SECONDS);
      long answered = tally.distinct();
      long lost = requests - answered;
      long duplicated = tally.total.get() - answered;
      out.printf(Locale.ROOT, "answers: %d results (%d finished on the edge or another executor after the fault, the "
              + "slowest in %.2f s), %d errors%s%n",
          tally.answers.size(), tally.fellBack.get(), tally.slowestFallbackNanos.get() / 1e9, tally.rejected.get(),
          tally.reasons.isEmpty() ? "" : " (first: " + tally.reasons.get(0) + ")");
      out.printf(Locale.ROOT, "gateway: %d fallbacks, %d late cloud replies ignored, requests per executor %s%s%n",
          stats.fallbacks(), stats.lateReplies(), stats.assigned().values(), complete ? "" : "; gave up waiting after "
              + waitSeconds + " s");
      if (scenario.equals("drop-link")) {
        long back = faultAt + Duration.ofSeconds(outageSeconds).toNanos();
        Optional<Long> firstCloud = tally.cloudServedAt.stream().filter(at -> at > back).min(Long::compare);
        out.printf(Locale.ROOT, "after the outage: %s%n", firstCloud.map(at -> format("the first cloud-served answer came "
            + "%.2f s after the link was back", (at - back) / 1e9)).orElse("no request was served in the cloud again"));
      }
      out.printf(Locale.ROOT, "sent %d answered %d lost %d duplicated %d%n", requests, answered, lost, duplicated);
      return lost == 0 && duplicated == 0 ? 0 : 1;
    } finally {
      for (Process process : processes) {
        process.destroyForcibly();
      }
    }
  }

  /** The cloud process whose executor this edge has given the most work: a fault there hits requests in flight. */
  private static Process busiest(Partnner edge, List<Process> processes, Path logs) throws Exception {
    Map<String, Long> assigned = edge.stats().toCompletableFuture().get(10, TimeUnit.SECONDS).assigned();
    String busiest = assigned.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("");
    for (int i = 0; i < processes.size(); i++) {
      String log = Files.readString(logs.resolve("cloud-" + i + ".log"));
      java.util.regex.Matcher up = java.util.regex.Pattern.compile("cloud node up at (\\S+),").matcher(log);
      if (up.find() && busiest.startsWith(up.group(1) + "/")) {
        return processes.get(i);
      }
    }
    return processes.get(0);
  }

  private static String format(String pattern, Object... values) {
    return String.format(Locale.ROOT, pattern, values);
  }

  private void inject(Process victim, PrintWriter out) throws IOException, InterruptedException {
    if (scenario.equals("kill-cloud")) {
      out.println("fault: SIGKILL to cloud process " + victim.pid());
      victim.destroyForcibly();
    } else {
      out.println("fault: SIGSTOP to cloud process " + victim.pid() + " for " + pauseSeconds + " s");
      signal(victim, "STOP");
      Thread resume = new Thread(() -> {
        try {
          if (!victim.waitFor(pauseSeconds, TimeUnit.SECONDS)) {
            signal(victim, "CONT");
          }
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }, "chaos-resume");
      resume.setDaemon(true);
      resume.start();
    }
  }

  private static void signal(Process process, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new CommandFailure("kill -" + signal + " " + process.pid() + " failed");
    }
  }
}
