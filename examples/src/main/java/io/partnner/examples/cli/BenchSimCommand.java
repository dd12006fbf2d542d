package io.partnner.examples.cli;

import io.partnner.models.BlockProfiler;
import io.partnner.models.InputShapes;
import io.partnner.models.PartitionedModel;
import io.partnner.runtime.link.BandwidthTrace;
import io.partnner.runtime.link.LinkEmulator;
import io.partnner.runtime.link.LinkPreset;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.plan.CloudOnly;
import io.partnner.runtime.plan.CodecSizes;
import io.partnner.runtime.plan.EdgeOnly;
import io.partnner.runtime.plan.FixedCut;
import io.partnner.runtime.plan.NeurosurgeonStyle;
import io.partnner.runtime.plan.Oracle;
import io.partnner.runtime.plan.PartnnerPlanner;
import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.plan.PlanListener;
import io.partnner.runtime.plan.PlannerSettings;
import io.partnner.runtime.sim.Convergence;
import io.partnner.runtime.sim.LoadStep;
import io.partnner.runtime.sim.MeasuredProfile;
import io.partnner.runtime.sim.Scenario;
import io.partnner.runtime.sim.SimulatedWorld;
import io.partnner.runtime.sim.StepChange;
import io.partnner.runtime.sim.StrategyRun;
import io.partnner.runtime.wire.WireCodecs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench sim}: the evaluation of DESIGN section 8 in the trace-driven simulator. */
@Command(name = "sim", mixinStandardHelpOptions = true,
    description = "Simulate every model x device x link scenario with measured block times and compare partnner with "
        + "edge-only, cloud-only, neurosurgeon-10, the best static plan (hindsight) and the oracle.")
final class BenchSimCommand implements Callable<Integer> {
  /** Column names of the strategies, in the order every scenario runs them. */
  static final List<String> STRATEGIES =
      List.of("edge-only", "cloud-only", "neurosurgeon-10", "best-static", "partnner", "oracle");
  static final int EDGE_ONLY = 0;
  static final int CLOUD_ONLY = 1;
  static final int BEST_STATIC = 3;
  static final int PARTNNER = 4;
  static final int ORACLE = 5;
  /** A step counts for the convergence line only when it moved the oracle's latency by more than this share. */
  static final double STEP_FILTER = 0.20;
  /**
   * The link emulator announces every emulated link at INFO, once per strategy run: hundreds of lines in a
   * full table. Held here because the logging framework keeps loggers only weakly.
   */
  private static final Logger EMULATOR_LOG = Logger.getLogger(LinkEmulator.class.getName());

  @Option(names = "--models", required = true, split = ",", paramLabel = "MODEL",
      description = "comma list of .onnx files or zoo:NAME (zoo:NAME@SCALE for a smaller variant)")
  List<String> models;

  @Option(names = "--devices", split = ",", paramLabel = "xF",
      description = "edge slowdown factors against this machine, e.g. x4,x10,x25 (default ${DEFAULT-VALUE})")
  List<String> devices = new ArrayList<>(List.of("x10"));

  @Option(names = "--links", split = ",", paramLabel = "PRESET", description = "link presets: 3g, lte, wifi, 5g")
  List<String> links = new ArrayList<>();

  @Option(names = "--trace", paramLabel = "FILE",
      description = "a t_s,mbps bandwidth trace for both directions, looped; each one is a link (repeatable)")
  List<Path> traces = new ArrayList<>();

  @Option(names = "--rtt-ms", paramLabel = "X", description = "round-trip time of the trace links in ms (default ${DEFAULT-VALUE})")
  double rttMillis = 50;

  @Option(names = "--load-steps", paramLabel = "T:Q,...",
      description = "cloud-load schedule: at time T (e.g. 20s or 1500ms; a bare number is seconds) Q other requests "
          + "queue ahead of every request at the cloud, until the next step; e.g. 20s:8,40s:0 (default: no load)")
  String loadSteps;

  @Option(names = "--max-codec-error", paramLabel = "E",
      description = "allow the lossy codecs (float16, int8, int8-channel) at the cuts where their measured effect on "
          + "the model output (largest output difference over the largest output magnitude, measured once with ONNX "
          + "Runtime and cached) is at most E; 0 keeps every strategy lossless (default ${DEFAULT-VALUE})")
  double maxCodecError = 0;

  @Option(names = "--requests", paramLabel = "N", description = "requests per scenario and strategy, one after another (default ${DEFAULT-VALUE})")
  int requests = 2000;

  @Option(names = "--seed", paramLabel = "S", description = "seed of the block-time draws (default ${DEFAULT-VALUE})")
  long seed = 1;

  @Option(names = "--json", paramLabel = "FILE", description = "write every scenario, request and plan as JSON (schema in README)")
  Path json;

  @Option(names = "--chart", paramLabel = "FILE",
      description = "write an SVG chart of one scenario: the first whose link or load changes, else the first")
  Path chart;

  @Option(names = "--profile-cache", paramLabel = "DIR",
      description = "where measured block profiles are kept between runs (default ~/.cache/partnner/profiles)")
  Path profileCache;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (requests < 1) {
      throw new CommandFailure("--requests must be >= 1, got " + requests);
    }
    if (!(maxCodecError >= 0) || maxCodecError > 1) {
      throw new CommandFailure("--max-codec-error must be between 0 and 1, got " + maxCodecError);
    }
    if (!(rttMillis >= 0) || rttMillis > 1e6) {
      throw new CommandFailure("--rtt-ms must be between 0 and 1e6, got " + rttMillis);
    }
    EMULATOR_LOG.setLevel(Level.WARNING);
    List<Double> slowdowns = devices.stream().map(BenchSimCommand::slowdown).toList();
    List<SimLink> simLinks = links();
    List<LoadStep> load = loadSteps == null ? List.of() : parseLoadSteps(loadSteps);
    Path cache = profileCache != null ? profileCache
        : Path.of(System.getProperty("user.home"), ".cache", "partnner", "profiles");
    PrintWriter out = spec.commandLine().getOut();

    List<SimScenarioResult> results = new ArrayList<>();
    for (String modelSpec : models) {
      PartitionedModel model = PartitionedModel.analyze(ModelOptions.resolve(modelSpec), InputShapes.none());
      MeasuredProfile measured = BlockProfiler.cached(model, BlockProfiler.Settings.defaults(), cache);
      if (maxCodecError > 0) {
        measured = CodecOutputErrors.cached(model, cache).applyTo(measured);
      }
      CodecSizes sizes = MeasuredCodecSizes.of(model.profile(), measured);
      for (int d = 0; d < slowdowns.size(); d++) {
        for (SimLink link : simLinks) {
          Scenario scenario = Scenario.of(measured, slowdowns.get(d), link.spec())
              .withLoadSteps(load).withRequests(requests).withSeed(seed).withMaxCodecError(maxCodecError);
          results.add(simulate(model.model().name(), "x" + trimmed(slowdowns.get(d)), link,
              new SimulatedWorld(scenario), model.profile(), sizes, maxCodecError));
        }
      }
    }
    print(out, results, load, maxCodecError);
    if (json != null) {
      write(json, () -> SimJson.write(json, results, requests, seed, maxCodecError));
    }
    if (chart != null) {
      SimScenarioResult charted = results.stream().filter(BenchSimCommand::changes).findFirst().orElse(results.get(0));
      write(chart, () -> SimChart.write(chart, charted));
      out.println(format("chart of %s %s %s written to %s", charted.model(), charted.device(), charted.link().label(), chart));
    }
    out.println(format("partnner/oracle mean latency ratio %.3f",
        meanOracleRatio(results)));
    out.flush();
    return 0;
  }

  private static SimScenarioResult simulate(String model, String device, SimLink link, SimulatedWorld world,
      ModelProfile profile, CodecSizes sizes, double maxCodecError) {
    PlannerSettings settings = PlannerSettings.DEFAULT.withMaxCodecError(maxCodecError);
    // A fresh strategy per run: each must start knowing nothing of the scenario.
    StrategyRun edgeOnly = world.run(new EdgeOnly(profile));
    StrategyRun cloudOnly = world.run(ClockedStrategy.of(ticker -> new CloudOnly(profile, sizes, settings, ticker)));
    StrategyRun neurosurgeon = world.run(ClockedStrategy.of(ticker -> new NeurosurgeonStyle(profile, sizes, settings, ticker)));
    StrategyRun partnner = world.run(
        ClockedStrategy.of(ticker -> new PartnnerPlanner(profile, sizes, settings, ticker, PlanListener.NONE)));
    StrategyRun oracle = world.run(new Oracle(world::trueLatencyNanos, world.candidatePlans()));
    // Hindsight over the oracle's start times: in a closed loop every strategy's requests start at other times.
    Plan bestStatic = world.bestStaticPlan(oracle.startTimes());
    StrategyRun fixed = world.run(new FixedCut(bestStatic.cut(), bestStatic.codec()));
    return new SimScenarioResult(model, device, link, world,
        List.of(edgeOnly, cloudOnly, neurosurgeon, fixed, partnner, oracle), bestStatic);
  }

  private List<SimLink> links() {
    List<SimLink> result = new ArrayList<>();
    for (String label : links) {
      try {
        result.add(SimLink.of(LinkPreset.named(label.strip())));
      } catch (IllegalArgumentException e) {
        throw new CommandFailure("--links: " + e.getMessage());
      }
    }
    Duration rtt = Duration.ofNanos(Math.round(rttMillis * 1e6));
    for (Path trace : traces) {
      result.add(SimLink.of(String.valueOf(trace.getFileName()), BandwidthTrace.read(trace), rtt));
    }
    if (result.isEmpty()) {
      throw new CommandFailure("give at least one link: --links 3g,lte,wifi,5g and/or --trace FILE");
    }
    return result;
  }

  /** {@code x4} or {@code 4}: how many times slower than this machine the edge is. */
  static double slowdown(String device) {
    String number = device.strip().toLowerCase(Locale.ROOT);
    number = number.startsWith("x") ? number.substring(1) : number;
    double factor;
    try {
      factor = Double.parseDouble(number);
    } catch (NumberFormatException e) {
      throw new CommandFailure("--devices: '" + device + "' is not a slowdown factor such as x4");
    }
    if (!(factor >= 1) || Double.isInfinite(factor)) {
      throw new CommandFailure("--devices: slowdown '" + device + "' must be a finite factor >= 1");
    }
    return factor;
  }

  /** {@code 20s:8,40s:0}: from 20 s on 8 other requests queue at the cloud, from 40 s on none. */
  static List<LoadStep> parseLoadSteps(String text) {
    List<LoadStep> steps = new ArrayList<>();
    for (String item : text.split(",", -1)) {
      String[] parts = item.strip().split(":", -1);
      if (parts.length != 2) {
        throw new CommandFailure("--load-steps: '" + item + "' is not TIME:QUEUE such as 20s:8");
      }
      String time = parts[0].strip().toLowerCase(Locale.ROOT);
      double unit = 1e9;
      if (time.endsWith("ms")) {
        unit = 1e6;
        time = time.substring(0, time.length() - 2);
      } else if (time.endsWith("s")) {
        time = time.substring(0, time.length() - 1);
      }
      double at;
      int queued;
      try {
        at = Double.parseDouble(time);
        queued = Integer.parseInt(parts[1].strip());
      } catch (NumberFormatException e) {
        throw new CommandFailure("--load-steps: '" + item + "' is not TIME:QUEUE such as 20s:8");
      }
      if (!(at >= 0) || at * unit >= Long.MAX_VALUE || queued < 0) {
        throw new CommandFailure("--load-steps: '" + item + "' needs a time >= 0 and a queue >= 0");
      }
      steps.add(new LoadStep(Math.round(at * unit), queued));
    }
    return steps;
  }

  private static void print(PrintWriter out, List<SimScenarioResult> results, List<LoadStep> load, double maxCodecError) {
    SimScenarioResult first = results.get(0);
    out.println(format("bench sim: %d scenarios (models x devices x links), %d requests each, one after another; seed %d; "
        + "block times drawn around the means measured with ONNX Runtime on this machine (the cloud), edge = cloud x slowdown",
        results.size(), first.world().scenario().requests(), first.world().scenario().seed()));
    String codecs = maxCodecError > 0
        ? format("lossy codecs where their measured effect on the model output is at most %s", trimmedError(maxCodecError))
        : "lossless codecs only";
    out.println(format("cloud load: %s; %s; neurosurgeon-%d profiles every block %d times per side "
        + "before serving (those requests count); best-static: one plan chosen with hindsight; oracle: the best plan "
        + "for the true conditions at each request", load.isEmpty() ? "none" : describe(load), codecs,
        NeurosurgeonStyle.DEFAULT_PROFILING_RUNS, NeurosurgeonStyle.DEFAULT_PROFILING_RUNS));
    if (maxCodecError > 0) {
      lossyUse(out, results);
    }
    int modelWidth = Math.max(5, results.stream().mapToInt(r -> r.model().length()).max().orElse(0));
    int linkWidth = Math.max(4, results.stream().mapToInt(r -> r.link().label().length()).max().orElse(0));
    String head = "%-" + modelWidth + "s %-6s %-" + linkWidth + "s";
    StringBuilder header = new StringBuilder(format(head, "model", "device", "link"));
    for (String name : STRATEGIES) {
      header.append(format(" %15s", name));
    }
    header.append(format(" %8s %8s %8s", "p/oracle", "vs edge", "vs cloud"));
    out.println("mean latency in ms per strategy; p/oracle = partnner / oracle; vs = partnner's speed-up");
    out.println(header);
    for (SimScenarioResult result : results) {
      StringBuilder row = new StringBuilder(format(head, result.model(), result.device(), result.link().label()));
      for (StrategyRun run : result.runs()) {
        row.append(format(" %15.2f", run.meanLatencyNanos() / 1e6));
      }
      StrategyRun partnner = result.partnner();
      row.append(format(" %8.3f %7.2fx %7.2fx", partnner.meanLatencyNanos() / result.oracle().meanLatencyNanos(),
          partnner.speedUpOver(result.run(EDGE_ONLY)), partnner.speedUpOver(result.run(CLOUD_ONLY))));
      out.println(row);
    }
    speedUps(out, results, EDGE_ONLY, "edge-only", "10.2x", "21.1x");
    speedUps(out, results, CLOUD_ONLY, "cloud-only", "3.2x", "6.7x");
    fallbacks(out, results);
    convergence(out, results);
  }

  private static void speedUps(PrintWriter out, List<SimScenarioResult> results, int baseline, String name,
      String paperAverage, String paperMax) {
    double[] speedUps = new double[results.size()];
    for (int i = 0; i < speedUps.length; i++) {
      speedUps[i] = results.get(i).partnner().speedUpOver(results.get(i).run(baseline));
    }
    out.println(format("partnner speed-up over %s: average %.2fx, max %.2fx over %d scenarios (paper: %s average, up to %s)",
        name, Arrays.stream(speedUps).average().orElse(Double.NaN), Arrays.stream(speedUps).max().orElse(Double.NaN),
        speedUps.length, paperAverage, paperMax));
  }

  /** How often partnner and the oracle used a lossy codec, so the bound's effect is visible. */
  private static void lossyUse(PrintWriter out, List<SimScenarioResult> results) {
    long partnner = 0;
    long oracle = 0;
    long requests = 0;
    for (SimScenarioResult result : results) {
      for (int i = 0; i < result.partnner().requests(); i++) {
        partnner += WireCodecs.byName(result.partnner().plan(i).codec()).lossy() ? 1 : 0;
        oracle += WireCodecs.byName(result.oracle().plan(i).codec()).lossy() ? 1 : 0;
      }
      requests += result.partnner().requests();
    }
    out.println(format("requests sent with a lossy codec: partnner %d, oracle %d, of %d each", partnner, oracle, requests));
  }

  private static String trimmedError(double error) {
    return java.math.BigDecimal.valueOf(error).stripTrailingZeros().toPlainString();
  }

  private static void fallbacks(PrintWriter out, List<SimScenarioResult> results) {
    List<String> counts = new ArrayList<>();
    for (int strategy = 0; strategy < STRATEGIES.size(); strategy++) {
      long fellBack = 0;
      for (SimScenarioResult result : results) {
        fellBack += result.run(strategy).fallbacks();
      }
      counts.add(STRATEGIES.get(strategy) + " " + fellBack);
    }
    long requests = results.stream().mapToLong(result -> result.partnner().requests()).sum();
    out.println(format("requests finished on the edge after missing their cloud deadline (%s; as the live gateway), of %d "
        + "per strategy: %s", results.get(0).world().scenario().deadline(), requests, String.join(", ", counts)));
  }

  private static void convergence(PrintWriter out, List<SimScenarioResult> results) {
    List<Convergence> steps = new ArrayList<>();
    List<String> unsettled = new ArrayList<>();
    List<Convergence> starts = new ArrayList<>();
    List<Convergence> neurosurgeonStarts = new ArrayList<>();
    for (SimScenarioResult result : results) {
      long previous = 0;
      for (Convergence convergence : result.partnner().convergence()) {
        StepChange step = convergence.step();
        if (step.kind() == StepChange.Kind.START) {
          starts.add(convergence);
        } else if (movedOracle(result.world(), previous, step.atNanos())) {
          steps.add(convergence);
          if (!convergence.converged()) {
            unsettled.add(format("%s %s %s %s step at %.1f s", result.model(), result.device(), result.link().label(),
                step.kind().name().toLowerCase(Locale.ROOT), step.atNanos() / 1e9));
          }
        }
        previous = step.atNanos();
      }
      result.run(2).convergence().stream().filter(c -> c.step().kind() == StepChange.Kind.START)
          .forEach(neurosurgeonStarts::add);
    }
    String filter = format("bandwidth or load steps where the oracle's latency differs by more than %.0f%% from that at the "
        + "step before; judged on the plan in force, over the requests that end before the next step", 100 * STEP_FILTER);
    if (steps.isEmpty()) {
      out.println("convergence after steps (partnner within 5% of the oracle and staying there): no " + filter);
    } else {
      List<String> kinds = new ArrayList<>();
      for (StepChange.Kind kind : List.of(StepChange.Kind.BANDWIDTH, StepChange.Kind.LOAD)) {
        List<Convergence> ofKind = steps.stream().filter(c -> c.step().kind() == kind).toList();
        if (!ofKind.isEmpty()) {
          kinds.add(format("%s %d, median %s inferences, %.1f ms, 90th percentile %s inferences",
              kind.name().toLowerCase(Locale.ROOT), ofKind.size(), trimmed(medianInferences(ofKind)), medianMillis(ofKind),
              trimmed(percentileInferences(ofKind, 0.90))));
        }
      }
      out.println(format("convergence after steps (partnner within 5%% of the oracle and staying there; %s): %d steps, "
          + "median %s inferences, %s ms (%s); %d never converged before the next step", filter, steps.size(),
          trimmed(medianInferences(steps)), format("%.1f", medianMillis(steps)), String.join("; ", kinds),
          unsettled.size()));
      if (!unsettled.isEmpty()) {
        out.println("not converged before the next step: " + String.join(", ", unsettled.subList(0, Math.min(10, unsettled.size())))
            + (unsettled.size() > 10 ? format(" and %d more", unsettled.size() - 10) : ""));
      }
    }
    out.println(format("cold start (to within 5%% of the oracle and staying there): partnner median %s inferences, %.1f ms "
        + "(mean %.1f ms, 90th percentile %.1f ms); neurosurgeon-%d median %s inferences, %.1f ms (mean %.1f ms, 90th "
        + "percentile %.1f ms; its profiling included)",
        trimmed(medianInferences(starts)), medianMillis(starts), meanMillis(starts), percentileMillis(starts, 0.90),
        NeurosurgeonStyle.DEFAULT_PROFILING_RUNS, trimmed(medianInferences(neurosurgeonStarts)),
        medianMillis(neurosurgeonStarts), meanMillis(neurosurgeonStarts), percentileMillis(neurosurgeonStarts, 0.90)));
  }

  private static double meanMillis(List<Convergence> convergences) {
    return convergences.stream().mapToDouble(c -> c.nanos() / 1e6).average().orElse(Double.NaN);
  }

  /** The nearest-rank {@code share} percentile of the milliseconds to converge. */
  private static double percentileMillis(List<Convergence> convergences, double share) {
    double[] values = convergences.stream().mapToDouble(c -> c.nanos() / 1e6).sorted().toArray();
    return values.length == 0 ? Double.NaN : values[Math.max(0, (int) Math.ceil(share * values.length) - 1)];
  }

  /** The nearest-rank {@code share} percentile of the inferences to converge. */
  private static double percentileInferences(List<Convergence> convergences, double share) {
    double[] values = new double[convergences.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = convergences.get(i).inferences();
    }
    Arrays.sort(values);
    return values[Math.max(0, (int) Math.ceil(share * values.length) - 1)];
  }

  private static double meanOracleRatio(List<SimScenarioResult> results) {
    double sum = 0;
    for (SimScenarioResult result : results) {
      sum += result.partnner().meanLatencyNanos() / result.oracle().meanLatencyNanos();
    }
    return results.isEmpty() ? Double.NaN : sum / results.size();
  }

  private static double medianInferences(List<Convergence> convergences) {
    double[] values = new double[convergences.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = convergences.get(i).inferences();
    }
    return median(values);
  }

  private static double medianMillis(List<Convergence> convergences) {
    double[] values = new double[convergences.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = convergences.get(i).nanos() / 1e6;
    }
    return median(values);
  }

  /**
   * True when the oracle's latency for a request starting at the step differs by more than the filter from
   * one starting at the step before. Not "just before the step": a request started a moment earlier
   * spends nearly all its time after the step, so its latency hardly differs.
   */
  private static boolean movedOracle(SimulatedWorld world, long previousNanos, long atNanos) {
    double before = world.oracleLatencyNanos(previousNanos);
    double after = world.oracleLatencyNanos(atNanos);
    return Math.abs(after - before) > STEP_FILTER * before;
  }

  private static boolean changes(SimScenarioResult result) {
    return result.link().trace() != null || !result.world().scenario().loadSteps().isEmpty();
  }

  private static String describe(List<LoadStep> load) {
    List<String> parts = new ArrayList<>();
    for (LoadStep step : load) {
      parts.add(format("%s other requests queued from %.3f s", step.queuedRequests(), step.atNanos() / 1e9));
    }
    return String.join(", ", parts);
  }

  private static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  private static String trimmed(double value) {
    return value == Math.rint(value) && !Double.isInfinite(value) ? Long.toString((long) value) : format("%.1f", value);
  }

  private interface Writing {
    void run() throws IOException;
  }

  private static void write(Path file, Writing writing) {
    try {
      writing.run();
    } catch (IOException | UncheckedIOException e) {
      throw new CommandFailure("cannot write " + file + ": " + e.getMessage());
    }
  }

  static String format(String pattern, Object... values) {
    return String.format(Locale.ROOT, pattern, values);
  }
}
