package io.partnner.runtime.plan;

import io.partnner.runtime.link.Direction;
import io.partnner.runtime.link.Probe;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.time.Ticker;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/*
 * Design. A profile-first planner in the manner of Neurosurgeon (Kang et al., ASPLOS 2017): the
 * platforms are characterised before serving, then every decision combines that fixed profile with the
 * live bandwidth.
 *
 * - Profiling: the first 2 x runs requests alternate edge-only (times every block on the edge) and
 *   cloud-only (times every block in the cloud), so each block is timed `runs` times on each side. These
 *   are real requests: their latency counts against the baseline. A profile block's time is the mean of
 *   its samples; a block that got none (an observation that never came) takes its side's measured time
 *   per FLOP, or the FLOPs prior.
 * - Serving: the profile is frozen. The plan minimises the latency model over the same candidates as
 *   partnner, with the bandwidth and RTT measured from transfer timings and no queueing term (the
 *   profile knows nothing of load), re-planned after every transfer, without hysteresis.
 */

/** Baseline: profiles every block on both sides 10 times (by default) before serving, then plans from the profile. */
public final class NeurosurgeonStyle implements Strategy, LinkProbing {
  /** Profiling runs per side, as profile-first systems average several runs. */
  public static final int DEFAULT_PROFILING_RUNS = 10;

  private final ModelProfile profile;
  private final LatencyModel model;
  private final PlannerSettings settings;
  private final LinkView link;
  private final int runs;
  private final double[] edgeSum;
  private final double[] cloudSum;
  private final int[] edgeCount;
  private final int[] cloudCount;
  private final Plan cloudOnly;
  private double[] edgeProfile;
  private double[] cloudProfile;
  private long served;
  private Plan plan;
  private Conditions conditions;

  /** A baseline that profiles {@link #DEFAULT_PROFILING_RUNS} times per side. */
  public NeurosurgeonStyle(ModelProfile profile, CodecSizes sizes, PlannerSettings settings, Ticker ticker) {
    this(profile, sizes, settings, ticker, DEFAULT_PROFILING_RUNS);
  }

  /** A baseline that profiles {@code runs} times per side. */
  public NeurosurgeonStyle(ModelProfile profile, CodecSizes sizes, PlannerSettings settings, Ticker ticker, int runs) {
    if (runs < 1) {
      throw new IllegalArgumentException("profiling needs at least one run per side, got " + runs);
    }
    this.profile = Objects.requireNonNull(profile, "profile");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.model = new LatencyModel(profile, sizes, settings.maxCodecError());
    this.link = new LinkView(settings, ticker);
    this.runs = runs;
    int blocks = profile.blockCount();
    this.edgeSum = new double[blocks];
    this.cloudSum = new double[blocks];
    this.edgeCount = new int[blocks];
    this.cloudCount = new int[blocks];
    this.cloudOnly = new Plan(0, CodecSizes.RAW);
  }

  /** The name, with the profiling count: {@code neurosurgeon-10}. */
  @Override
  public String name() {
    return "neurosurgeon-" + runs;
  }

  /** Profiling runs per side before it serves from the profile. */
  public int profilingRuns() {
    return runs;
  }

  @Override
  public Plan plan(long nowNanos) {
    served++;
    if (served <= 2L * runs) {
      return served % 2 == 1 ? model.edgeOnly() : cloudOnly;
    }
    if (plan == null) {
      freezeProfile();
      replan();
    }
    return plan;
  }

  @Override
  public void observe(Observation observation) {
    if (observation instanceof Observation.BlocksTimed timed && edgeProfile == null) {
      record(timed);
    } else if (observation instanceof Observation.TransferTimed transfer) {
      link.record(transfer);
      if (edgeProfile != null) {
        replan();
      }
    }
  }

  /** Its prediction from the frozen profile and the live link; none while it is still profiling. */
  @Override
  public Optional<Prediction> predicted(Plan candidate) {
    int index = model.indexOf(Objects.requireNonNull(candidate, "candidate"));
    if (conditions == null || index < 0) {
      return Optional.empty();
    }
    double fallback = conditions.edgeNanos(conditions.blockCount()) - conditions.edgeNanos(candidate.cut());
    return Optional.of(new Prediction(model.breakdown(index, conditions), fallback));
  }

  @Override
  public Optional<Probe> pollProbe(Direction direction, long nowNanos) {
    return link.pollProbe(direction, nowNanos);
  }

  private void record(Observation.BlocksTimed timed) {
    List<Long> times = timed.blockNanos();
    if (timed.fromCut() < 0 || timed.fromCut() + times.size() > edgeSum.length) {
      throw new IllegalArgumentException(
          timed.side() + " timed " + times.size() + " blocks from cut " + timed.fromCut() + ", but the model has "
              + edgeSum.length + " blocks");
    }
    boolean edge = timed.side() == Side.EDGE;
    for (int i = 0; i < times.size(); i++) {
      int block = timed.fromCut() + i;
      if (edge) {
        edgeSum[block] += times.get(i);
        edgeCount[block]++;
      } else {
        cloudSum[block] += times.get(i);
        cloudCount[block]++;
      }
    }
  }

  private void freezeProfile() {
    edgeProfile = profileOf(edgeSum, edgeCount, settings.flopsPrior().edgeNanosPerFlop());
    cloudProfile = profileOf(cloudSum, cloudCount, settings.flopsPrior().cloudNanosPerFlop());
  }

  private double[] profileOf(double[] sums, int[] counts, double priorNanosPerFlop) {
    double measuredNanos = 0;
    double measuredFlops = 0;
    for (int block = 0; block < sums.length; block++) {
      if (counts[block] > 0) {
        measuredNanos += sums[block] / counts[block];
        measuredFlops += profile.blockFlops().get(block);
      }
    }
    double nanosPerFlop = measuredFlops > 0 && measuredNanos > 0 ? measuredNanos / measuredFlops : priorNanosPerFlop;
    double[] times = new double[sums.length];
    for (int block = 0; block < sums.length; block++) {
      times[block] = counts[block] > 0 ? sums[block] / counts[block] : nanosPerFlop * profile.blockFlops().get(block);
    }
    return times;
  }

  private void replan() {
    conditions = new Conditions(edgeProfile, cloudProfile, link.uplinkMbps(), link.downlinkMbps(), link.rttNanos(), 0);
    plan = model.best(conditions);
  }
}
