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

  /**
   * One scenario's live and simulated mean latencies per strategy, in the order of {@link #STRATEGIES}:
   * simulated once from the stored profile and the nominal device, once with the device as the live edge
   * measured it ({@code deviceFactor} times the stored profile's whole-model time).
   */
  record Row(String model, String device, String link, double[] liveMillis, double[] simMillis,
      double deviceFactor, double[] simMeasuredDeviceMillis, int cloudServed) {
    double ratio(int strategy) {
      return liveMillis[strategy] / simMillis[strategy];
    }

    double measuredDeviceRatio(int strategy) {
      return liveMillis[strategy] / simMeasuredDeviceMillis[strategy];
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
        + "never told", requests));
    out.println("sim = the simulator's prediction from the block times stored for this machine, times the nominal device "
        + "factor");
    out.println("dev = the emulated device as the live edge measured it: its compute time over every request the edge "
        + "computed, in all three strategies, against the stored profile (x1.00 = exactly the nominal factor);");
    out.println("sim@dev = the simulator's prediction with that device: the emulated device's speed on this shared "
        + "machine varies from run to run, and sim@dev checks the rest of the model (link, queue, planner, runtime)");
    out.println(format("%-18s %-6s %-22s %s %s %8s %s %10s %14s %8s %8s", "model", "device", "link",
        header("live "), header("sim "), "dev", header("sim@dev "), "p live/sim", "p live/sim@dev", "vs edge",
        "vs cloud"));
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
            out.println(format("%-18s %-6s %-22s %s %s %7.2fx %s %10.3f %14.3f %7.2fx %7.2fx", row.model(),
                row.device(), row.link(), columns(row.liveMillis()), columns(row.simMillis()), row.deviceFactor(),
                columns(row.simMeasuredDeviceMillis()), row.ratio(2), row.measuredDeviceRatio(2),
                row.liveMillis()[0] / row.liveMillis()[2], row.liveMillis()[1] / row.liveMillis()[2]));
            out.flush();
          }
        }
      } finally {
        Nodes.stop(cloud);
      }
    }
    double[] ratios = rows.stream().mapToDouble(row -> row.ratio(2)).toArray();
    double[] measuredDeviceRatios = rows.stream().mapToDouble(row -> row.measuredDeviceRatio(2)).toArray();
    double[] allRatios = rows.stream().flatMapToDouble(row -> java.util.stream.IntStream.range(0, STRATEGIES.size())
        .mapToDouble(row::ratio)).toArray();
    out.println(format("live/sim over every strategy and scenario: mean %.3f, min %.3f, max %.3f",
        mean(allRatios), java.util.Arrays.stream(allRatios).min().orElse(Double.NaN),
        java.util.Arrays.stream(allRatios).max().orElse(Double.NaN)));
    out.println(format("partnner speed-up (live) over edge-only: average %.2fx; over cloud-only: average %.2fx",
        rows.stream().mapToDouble(row -> row.liveMillis()[0] / row.liveMillis()[2]).average().orElse(Double.NaN),
        rows.stream().mapToDouble(row -> row.liveMillis()[1] / row.liveMillis()[2]).average().orElse(Double.NaN)));
    double[] allMeasuredDevice = rows.stream().flatMapToDouble(row -> java.util.stream.IntStream
        .range(0, STRATEGIES.size()).mapToDouble(row::measuredDeviceRatio)).toArray();
    out.println(format("live/sim@dev over every strategy and scenario: mean %.3f, min %.3f, max %.3f",
        mean(allMeasuredDevice), java.util.Arrays.stream(allMeasuredDevice).min().orElse(Double.NaN),
        java.util.Arrays.stream(allMeasuredDevice).max().orElse(Double.NaN)));
    out.println(format("partnner live/sim with the nominal device (stored profile): %.3f", mean(ratios)));
    out.println(format("live/sim latency ratio %.3f", mean(measuredDeviceRatios)));
    return 0;
  }

  private Row scenario(PartitionedModel model, MeasuredProfile measured, String seed, String device, double slowdown,
      Link link) throws Exception {
    ModelProfile profile = model.profile();
    Map<String, Tensor> inputs = model.sampleInputs();
    double[] live = new double[STRATEGIES.size()];
    double[] sim = new double[STRATEGIES.size()];
    int cloudServed = 0;
    // The live edge's compute time against what the stored profile says the same blocks take at the
    // nominal factor, over every request the edge computed without falling back.
    double edgeMeasuredNanos = 0;
    double edgePredictedNanos = 0;
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
          int cut = result.plan().cut();
          if (result.fallback().isEmpty() && cut > 0 && result.latency().edgeNanos() > 0) {
            edgeMeasuredNanos += result.latency().edgeNanos();
            edgePredictedNanos += slowdown * headMeanNanos(measured, cut);
          }
        }
        live[s] = total / 1e6 / requests;
      }
      sim[s] = simulate(profile, sizes, measured, slowdown, link, strategy);
    }
    double deviceFactor = edgePredictedNanos > 0 ? edgeMeasuredNanos / edgePredictedNanos : 1;
    double[] simMeasuredDevice = new double[STRATEGIES.size()];
    for (int s = 0; s < STRATEGIES.size(); s++) {
      simMeasuredDevice[s] = simulate(profile, sizes, measured, slowdown * deviceFactor, link, STRATEGIES.get(s));
    }
    return new Row(model.model().name(), device, link.label(), live, sim, deviceFactor, simMeasuredDevice, cloudServed);
  }

  /** The simulator's mean latency in ms for one strategy on this scenario. */
  private double simulate(ModelProfile profile, CodecSizes sizes, MeasuredProfile measured, double slowdown, Link link,
      String strategy) {
    Scenario scenario = Scenario.of(measured, slowdown, link.sim().spec()).withRequests(requests);
    PlannerSettings settings = PlannerSettings.DEFAULT;
    Strategy simulated = switch (strategy) {
      case "edge-only" -> new EdgeOnly(profile);
      case "cloud-only" -> ClockedStrategy.of(ticker -> new CloudOnly(profile, sizes, settings, ticker));
      default -> ClockedStrategy.of(ticker -> new PartnnerPlanner(profile, sizes, settings, ticker, PlanListener.NONE));
    };
    return new SimulatedWorld(scenario).run(simulated).meanLatencyNanos() / 1e6;
  }

  /** Stored mean time of the blocks before {@code cut} on this machine. */
  private static double headMeanNanos(MeasuredProfile measured, int cut) {
    double total = 0;
    for (int block = 0; block < Math.min(cut, measured.blockCount()); block++) {
      total += measured.blocks().get(block).meanNanos();
    }
    return total;
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
