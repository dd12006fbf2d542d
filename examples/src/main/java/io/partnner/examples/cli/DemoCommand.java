package io.partnner.examples.cli;

import io.partnner.actors.EdgeGateway;
import io.partnner.actors.LinkMonitor;
import io.partnner.actors.Partitioner;
import io.partnner.actors.Partnner;
import io.partnner.models.InputShapes;
import io.partnner.models.OrtModelLoader;
import io.partnner.models.PartitionedModel;
import io.partnner.runtime.link.BandwidthTrace;
import io.partnner.runtime.plan.PlanChange;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code demo}: the embedded default, an edge and two cloud nodes in this process on a shipped bandwidth trace. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Start two cloud nodes and an edge in this process (a real cluster over loopback TCP), an emulated "
        + "slow edge device and a link following a shipped measured trace, and run inferences while partnner moves "
        + "the split.")
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", paramLabel = "MODEL", description = "model (default ${DEFAULT-VALUE})")
  String model = "zoo:resnet50";

  @Option(names = "--device", paramLabel = "xF", description = "emulated edge slowdown (default ${DEFAULT-VALUE})")
  String device = "x10";

  @Option(names = "--trace", paramLabel = "NAME", description = "a shipped trace (" + "fcc-u8299-amazon.csv, "
      + "fcc-u665208-yahoo.csv, hsdpa3g-bus-20100928.csv, hsdpa3g-metro-20100913.csv) or a trace file (default ${DEFAULT-VALUE})")
  String trace = "fcc-u8299-amazon.csv";

  @Option(names = "--rtt-ms", paramLabel = "X", description = "round-trip time of the link (default ${DEFAULT-VALUE})")
  double rttMs = 40;

  @Option(names = "--requests", paramLabel = "N", description = "inferences to run (default ${DEFAULT-VALUE})")
  int requests = 60;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (requests < 1) {
      throw new CommandFailure("--requests must be at least 1");
    }
    if (!BandwidthTrace.SHIPPED.contains(trace) && !java.nio.file.Files.isRegularFile(java.nio.file.Path.of(trace))) {
      throw new CommandFailure("--trace '" + trace + "': neither a shipped trace " + BandwidthTrace.SHIPPED + " nor a file");
    }
    out.println("demo: analysing " + model + " ...");
    out.flush();
    PartitionedModel analysed = PartitionedModel.analyze(ModelOptions.resolve(model), InputShapes.none());
    List<ActorSystem<?>> clouds = new ArrayList<>();
    ActorSystem<?> first = Partnner.startCloud(new OrtModelLoader(), Nodes.cloudConfig(Nodes.port(0)), Optional.empty());
    clouds.add(first);
    String seed = first.address().toString();
    clouds.add(Nodes.startCloud(seed, Map.of()));
    Map<String, Object> overrides = Nodes.port(0);
    overrides.put("partnner.edge.device", device);
    overrides.put("partnner.edge.link", trace);
    overrides.put("partnner.edge.trace-rtt", Math.round(rttMs * 1000) + "us");
    overrides.put("pekko.cluster.seed-nodes", List.of(seed));
    try (Partnner edge = Partnner.start(OrtModelLoader.of(analysed, Map.of()), Nodes.edgeConfig(overrides))) {
      out.printf(Locale.ROOT, "demo: model %s (%d candidate cuts), edge device %s (emulated), link %s RTT %.0f ms "
          + "(emulated); cloud nodes fetch the model from the edge...%n", analysed.model().name(),
          analysed.profile().cuts().size(), device, trace, rttMs);
      out.flush();
      Nodes.awaitExecutors(edge, 2, Duration.ofMinutes(3));
      out.println("demo: 2 cloud executors up; running " + requests + " inferences, one after another");
      NodeCommand.drive(edge, analysed.sampleInputs(), requests, out);
      Partitioner.Status status = edge.status().toCompletableFuture().join();
      EdgeGateway.Stats stats = edge.stats().toCompletableFuture().join();
      LinkMonitor.Estimates link = edge.linkEstimates().toCompletableFuture().join();
      out.printf(Locale.ROOT, "demo: plan in force %s after %d switches; requests per cloud executor %s; %d answered "
          + "on the edge alone or after a fallback%n", status.plan(), status.changes().size(), stats.assigned().values(),
          stats.answered() - stats.assigned().values().stream().mapToLong(Long::longValue).sum());
      for (PlanChange change : status.changes().subList(Math.max(0, status.changes().size() - 5), status.changes().size())) {
        out.printf(Locale.ROOT, "  switch %s -> %s on %s (predicted %.1f ms)%n", change.from(), change.to(),
            change.trigger(), change.toPredicted().totalNanos() / 1e6);
      }
      out.printf(Locale.ROOT, "demo: link as measured: up %s, down %s (%d + %d probes)%n",
          link.up().map(Object::toString).orElse("unknown"), link.down().map(Object::toString).orElse("unknown"),
          link.probesUp(), link.probesDown());
    } finally {
      for (ActorSystem<?> cloud : clouds) {
        Nodes.stop(cloud);
      }
    }
    return 0;
  }
}
