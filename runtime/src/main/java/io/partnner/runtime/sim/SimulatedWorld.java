package io.partnner.runtime.sim;

import io.partnner.runtime.link.Direction;
import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.plan.Strategy;
import io.partnner.runtime.sim.MeasuredProfile.CodecCost;
import io.partnner.runtime.sim.MeasuredProfile.CutCost;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The true conditions of one scenario, and the runs of strategies in it.
 *
 * <p>Truth (DESIGN section 2, with every term at its true value): for plan {@code (k, codec)} started
 * at {@code t}, the edge computes blocks {@code 0..k-1} at {@code slowdown} times their measured means and
 * encodes; the crossing goes up in half the RTT plus the time its bytes take at the uplink's true
 * rates from the moment it is sent (integrated across steps, as the emulator does); it waits behind the
 * other requests queued at the cloud when it arrives, is decoded and runs blocks {@code k..n-1} at their
 * means; the result comes down the same way. Each term is taken at the moment the request reaches it,
 * which is what the request will meet; only queueing behind this edge's own earlier transfers and
 * requests is left out. The oracle takes the minimum over every candidate plan.
 *
 * <p>A run ({@link #run}) replays the scenario in virtual time for one strategy: see {@code WorldRun}.
 */
public final class SimulatedWorld {
  /** How far within the oracle a plan must be to count as converged. */
  static final double CONVERGED_WITHIN = 1.05;

  private final Scenario scenario;
  private final MeasuredProfile profile;
  private final double[] prefixNanos;
  private final long halfRttNanos;
  private final List<Plan> candidatePlans;

  /** The world of {@code scenario}. */
  public SimulatedWorld(Scenario scenario) {
    this.scenario = Objects.requireNonNull(scenario, "scenario");
    this.profile = scenario.profile();
    int blocks = profile.blockCount();
    prefixNanos = new double[blocks + 1];
    for (int i = 0; i < blocks; i++) {
      prefixNanos[i + 1] = prefixNanos[i] + profile.blocks().get(i).meanNanos();
    }
    halfRttNanos = scenario.link().rtt().toNanos() / 2;
    List<Plan> plans = new ArrayList<>();
    for (int cut = 0; cut < blocks; cut++) {
      CodecCost first = null;
      for (Map.Entry<String, CodecCost> codec : profile.cuts().get(cut).codecs().entrySet()) {
        CodecCost cost = codec.getValue();
        // A codec that took none of the crossing tensors sent them all raw: the same plan as raw, not another one.
        boolean sameAsFirst = first != null && cost.bytes() == first.bytes() && cost.relativeError() == 0;
        if (cost.relativeError() <= scenario.maxCodecError() && !sameAsFirst) {
          plans.add(new Plan(cut, codec.getKey()));
        }
        first = first == null ? cost : first;
      }
    }
    plans.add(new Plan(blocks, profile.cuts().get(blocks).codecs().keySet().iterator().next()));
    candidatePlans = List.copyOf(plans);
  }

  /** The scenario. */
  public Scenario scenario() {
    return scenario;
  }

  /**
   * Every plan the oracle considers: each cut with each codec within the error bound, except codecs
   * that sent the crossing exactly as the first (raw) codec does; edge-only once.
   */
  public List<Plan> candidatePlans() {
    return candidatePlans;
  }

  /**
   * The true expected latency of {@code plan} for a request starting at {@code atNanos} (from the start
   * of the run), from the true link, the load schedule and the mean block times. For oracles and
   * scoring only.
   *
   * @throws IllegalArgumentException for a cut beyond the edge-only cut or a codec not measured
   */
  public long trueLatencyNanos(Plan plan, long atNanos) {
    int cut = plan.cut();
    int edgeOnly = profile.edgeOnlyCut();
    if (cut > edgeOnly) {
      throw new IllegalArgumentException("cut " + cut + " is beyond the edge-only cut " + edgeOnly + " of model "
          + profile.modelName());
    }
    double slowdown = scenario.slowdown();
    double edge = slowdown * prefixNanos[cut];
    if (cut == edgeOnly) {
      return Math.round(edge);
    }
    CutCost crossing = profile.cuts().get(cut);
    CodecCost cost = crossing.codec(plan.codec());
    double sendAt = atNanos + edge + slowdown * cost.encodeNanos();
    double up = transferNanos(Direction.UP, cost.bytes(), (long) sendAt);
    double arrive = sendAt + up;
    double cloud = waitNanos((long) arrive) + cost.decodeNanos() + prefixNanos[edgeOnly] - prefixNanos[cut];
    double down = transferNanos(Direction.DOWN, profile.resultBytes(), (long) (arrive + cloud));
    return Math.round(arrive + cloud + down - atNanos);
  }

  private double transferNanos(Direction direction, long bytes, long atNanos) {
    return halfRttNanos + scenario.link().wireNanos(direction, bytes, atNanos);
  }

  /** The true queueing delay at the cloud for a request arriving at {@code atNanos}. */
  long waitNanos(long atNanos) {
    return scenario.queuedAt(atNanos) * scenario.backgroundServiceNanos();
  }

  /** The plan with the least true latency for a request starting at {@code atNanos}. */
  public Plan oraclePlan(long atNanos) {
    Plan best = null;
    long bestNanos = Long.MAX_VALUE;
    for (Plan plan : candidatePlans) {
      long nanos = trueLatencyNanos(plan, atNanos);
      if (best == null || nanos < bestNanos) {
        best = plan;
        bestNanos = nanos;
      }
    }
    return best;
  }

  /** The least true latency of any candidate plan for a request starting at {@code atNanos}. */
  public long oracleLatencyNanos(long atNanos) {
    return trueLatencyNanos(oraclePlan(atNanos), atNanos);
  }

  /** The one plan with the least mean true latency over requests starting at these times (the best static plan with hindsight). */
  public Plan bestStaticPlan(long[] startNanos) {
    Plan best = null;
    double bestMean = Double.POSITIVE_INFINITY;
    for (Plan plan : candidatePlans) {
      double sum = 0;
      for (long start : startNanos) {
        sum += trueLatencyNanos(plan, start);
      }
      if (best == null || sum < bestMean) {
        best = plan;
        bestMean = sum;
      }
    }
    return best;
  }

  /** The start of the run and every bandwidth or load change up to {@code untilNanos}, in time order. */
  public List<StepChange> steps(long untilNanos) {
    List<StepChange> steps = new ArrayList<>();
    steps.add(new StepChange(0, StepChange.Kind.START));
    for (long at : scenario.link().changeTimes(untilNanos)) {
      steps.add(new StepChange(at, StepChange.Kind.BANDWIDTH));
    }
    int queued = 0;
    for (LoadStep step : scenario.loadSteps()) {
      if (step.atNanos() <= untilNanos && step.queuedRequests() != queued && step.atNanos() > 0) {
        steps.add(new StepChange(step.atNanos(), StepChange.Kind.LOAD));
      }
      queued = step.queuedRequests();
    }
    steps.sort((a, b) -> Long.compare(a.atNanos(), b.atNanos()));
    return List.copyOf(steps);
  }

  /**
   * Serves the scenario's requests with {@code strategy}, which sees only what the live system would
   * observe. Deterministic: the same scenario and a strategy in the same state give the same run.
   */
  public StrategyRun run(Strategy strategy) {
    return new WorldRun(this, strategy).run();
  }

  double meanPrefixNanos(int cut) {
    return prefixNanos[cut];
  }

  long halfRttNanos() {
    return halfRttNanos;
  }
}
