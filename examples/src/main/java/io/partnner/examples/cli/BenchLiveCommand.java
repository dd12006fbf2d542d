package io.partnner.examples.cli;

import static io.partnner.examples.cli.BenchSimCommand.format;

import io.partnner.actors.Partnner;
import io.partnner.models.BlockProfiler;
import io.partnner.models.InputShapes;
import io.partnner.models.OrtModelLoader;
import io.partnner.models.PartitionedModel;
import io.partnner.runtime.link.BandwidthTrace;
import io.partnner.runtime.link.LinkPreset;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.plan.CloudOnly;
import io.partnner.runtime.plan.CodecSizes;
import io.partnner.runtime.plan.EdgeOnly;
import io.partnner.runtime.plan.PartnnerPlanner;
import io.partnner.runtime.plan.PlanListener;
import io.partnner.runtime.plan.PlannerSettings;
import io.partnner.runtime.plan.Strategy;
import io.partnner.runtime.serve.InferenceResult;
import io.partnner.runtime.sim.MeasuredProfile;
import io.partnner.runtime.sim.Scenario;
import io.partnner.runtime.sim.SimulatedWorld;
import io.partnner.runtime.tensor.Tensor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bench live}: the {@code bench sim} scenarios through a real cluster (an edge and a cloud node as actor
 * systems in this process, talking Artery over loopback TCP through the emulated link), next to the simulator's
 * prediction for the same scenario, so the simulator is checked against the live system rather than trusted.
 */
@Command(name = "live", mixinStandardHelpOptions = true,
    description = "Run model x device x link scenarios through a live edge and cloud node and compare each strategy's "
        + "mean latency with the simulator's prediction.")
final class BenchLiveCommand implements Callable<Integer> {
  static final List<String> STRATEGIES = List.of("edge-only", "cloud-only", "partnner");
  /** Held: the logging framework keeps loggers only weakly. */
  private static final Logger EMULATOR_LOG = Logger.getLogger(io.partnner.runtime.link.LinkEmulator.class.getName());
  private static final Logger PACER_LOG = Logger.getLogger(io.partnner.runtime.exec.DevicePacer.class.getName());

  @Spec CommandSpec spec;

  @Option(names = "--models", required = true, split = ",", paramLabel = "MODEL", description = "comma list of .onnx files or zoo:NAME[@SCALE]")
  List<String> models;

  @Option(names = "--devices", split = ",", paramLabel = "xF", description = "edge slowdown factors (default ${DEFAULT-VALUE})")
  List<String> devices = new ArrayList<>(List.of("x10"));

  @Option(names = "--links", split = ",", paramLabel = "PRESET", description = "link presets: 3g, lte, wifi, 5g")
  List<String> links = new ArrayList<>();

  @Option(names = "--trace", paramLabel = "FILE", description = "a t_s,mbps trace for both directions; each one is a link (repeatable)")
  List<Path> traces = new ArrayList<>();

  @Option(names = "--rtt-ms", paramLabel = "X", description = "round-trip time of the trace links in ms (default ${DEFAULT-VALUE})")
  double rttMillis = 50;

  @Option(names = "--requests", paramLabel = "N", description = "requests per scenario and strategy, one after another (default ${DEFAULT-VALUE})")
  int requests = 60;

  @Option(names = "--profile-cache", paramLabel = "DIR", description = "where measured block profiles are kept (default ~/.cache/partnner/profiles)")
  Path profileCache;

  private record Link(String label, String live, SimLink sim) {}

  /** One scenario's live and simulated mean latencies per strategy, in the order of {@link #STRATEGIES}. */
  record Row(String model, String device, String link, double[] liveMillis, double[] simMillis, int cloudServed) {
    double ratio(int strategy) {
      return liveMillis[strategy] / simMillis[strategy];
    }
  }

  @Override
  public Integer call() throws Exception {
    if (requests < 1) {
      throw new CommandFailure("--requests must be >= 1, got " + requests);
    }
    EMULATOR_LOG.setLevel(Level.WARNING);
    PACER_LOG.setLevel(Level.WARNING);
    PrintWriter out = spec.commandLine().getOut();
    List<Link> linkList = links();
    Path cache = profileCache != null ? profileCache : Path.of(System.getProperty("user.home"), ".cache", "partnner", "profiles");
    out.println(format("bench live: %d requests per scenario and strategy, one after another; an edge and a cloud node "
        + "(actor systems in this process, Artery over loopback TCP); device and link emulated on the edge and measured, "
        + "never told; sim = the simulator's prediction from block times measured on this machine", requests));
    out.println(format("%-18s %-6s %-22s %s %s %8s %8s %8s", "model", "device", "link",
        header("live "), header("sim "), "p live/sim", "vs edge", "vs cloud"));
    List<Row> rows = new ArrayList<>();
    for (String modelSpec : models) {
      PartitionedModel model = PartitionedModel.analyze(ModelOptions.resolve(modelSpec), InputShapes.none());
      MeasuredProfile measured = BlockProfiler.cached(model, BlockProfiler.Settings.defaults(), cache);
      ActorSystem<?> cloud = Partnner.startCloud(new OrtModelLoader(), Nodes.cloudConfig(Nodes.port(0)), Optional.empty());
      try {
        String seed = cloud.address().toString();
        for (String device : devices) {
          double slowdown = BenchSimCommand.slowdown(device);
          for (Link link : linkList) {
            Row row = scenario(model, measured, seed, device, slowdown, link);
            rows.add(row);
            out.println(format("%-18s %-6s %-22s %s %s %10.3f %7.2fx %7.2fx", row.model(), row.device(), row.link(),
                columns(row.liveMillis()), columns(row.simMillis()), row.ratio(2), row.liveMillis()[0] / row.liveMillis()[2],
                row.liveMillis()[1] / row.liveMillis()[2]));
            out.flush();
          }
        }
      } finally {
        Nodes.stop(cloud);
      }
    }
    double[] ratios = rows.stream().mapToDouble(row -> row.ratio(2)).toArray();
    double[] allRatios = rows.stream().flatMapToDouble(row -> java.util.stream.IntStream.range(0, STRATEGIES.size())
        .mapToDouble(row::ratio)).toArray();
    out.println(format("live/sim over every strategy and scenario: mean %.3f, min %.3f, max %.3f",
        mean(allRatios), java.util.Arrays.stream(allRatios).min().orElse(Double.NaN),
        java.util.Arrays.stream(allRatios).max().orElse(Double.NaN)));
    out.println(format("partnner speed-up (live) over edge-only: average %.2fx; over cloud-only: average %.2fx",
        rows.stream().mapToDouble(row -> row.liveMillis()[0] / row.liveMillis()[2]).average().orElse(Double.NaN),
        rows.stream().mapToDouble(row -> row.liveMillis()[1] / row.liveMillis()[2]).average().orElse(Double.NaN)));
    out.println(format("live/sim latency ratio %.3f", mean(ratios)));
    return 0;
  }

  private Row scenario(PartitionedModel model, MeasuredProfile measured, String seed, String device, double slowdown,
      Link link) throws Exception {
    ModelProfile profile = model.profile();
    Map<String, Tensor> inputs = model.sampleInputs();
    double[] live = new double[STRATEGIES.size()];
    double[] sim = new double[STRATEGIES.size()];
    int cloudServed = 0;
    CodecSizes sizes = CodecSizes.rawOnly(profile);
    for (int s = 0; s < STRATEGIES.size(); s++) {
      String strategy = STRATEGIES.get(s);
      Map<String, Object> overrides = Nodes.port(0);
      overrides.put("partnner.planner.strategy", strategy);
      overrides.put("partnner.edge.device", device);
      overrides.put("partnner.edge.link", link.live());
      overrides.put("partnner.edge.trace-rtt", Math.round(rttMillis * 1000) + "us");
      overrides.put("pekko.cluster.seed-nodes", List.of(seed));
      try (Partnner edge = Partnner.start(OrtModelLoader.of(model, Map.of()), Nodes.edgeConfig(overrides))) {
        Nodes.awaitExecutors(edge, 1, Duration.ofMinutes(3));
        long total = 0;
        for (int i = 0; i < requests; i++) {
          long start = System.nanoTime();
          InferenceResult result = edge.infer(inputs).toCompletableFuture().get(10, TimeUnit.MINUTES);
          total += System.nanoTime() - start;
          if (strategy.equals("partnner") && !result.servedBy().equals("edge")) {
            cloudServed++;
          }
        }
        live[s] = total / 1e6 / requests;
      }
      Scenario scenario = Scenario.of(measured, slowdown, link.sim().spec()).withRequests(requests);
      SimulatedWorld world = new SimulatedWorld(scenario);
      PlannerSettings settings = PlannerSettings.DEFAULT;
      Strategy simulated = switch (strategy) {
        case "edge-only" -> new EdgeOnly(profile);
        case "cloud-only" -> ClockedStrategy.of(ticker -> new CloudOnly(profile, sizes, settings, ticker));
        default -> ClockedStrategy.of(ticker -> new PartnnerPlanner(profile, sizes, settings, ticker, PlanListener.NONE));
      };
      sim[s] = world.run(simulated).meanLatencyNanos() / 1e6;
    }
    return new Row(model.model().name(), device, link.label(), live, sim, cloudServed);
  }

  private List<Link> links() {
    List<Link> result = new ArrayList<>();
    for (String label : links) {
      LinkPreset preset;
      try {
        preset = LinkPreset.named(label.strip());
      } catch (IllegalArgumentException e) {
        throw new CommandFailure("--links: " + e.getMessage());
      }
      result.add(new Link(preset.label(), preset.label(), SimLink.of(preset)));
    }
    Duration rtt = Duration.ofNanos(Math.round(rttMillis * 1e6));
    for (Path trace : traces) {
      String name = String.valueOf(trace.getFileName());
      result.add(new Link(name, trace.toAbsolutePath().toString(), SimLink.of(name, BandwidthTrace.read(trace), rtt)));
    }
    if (result.isEmpty()) {
      throw new CommandFailure("give at least one link: --links 3g,lte,wifi,5g and/or --trace FILE");
    }
    return result;
  }

  private static String header(String prefix) {
    StringBuilder text = new StringBuilder();
    for (String strategy : STRATEGIES) {
      text.append(format(" %15s", prefix + strategy));
    }
    return text.toString().substring(1);
  }

  private static String columns(double[] millis) {
    StringBuilder text = new StringBuilder();
    for (double value : millis) {
      text.append(format(" %15.2f", value));
    }
    return text.toString().substring(1);
  }

  private static double mean(double[] values) {
    return java.util.Arrays.stream(values).average().orElse(Double.NaN);
  }
}
