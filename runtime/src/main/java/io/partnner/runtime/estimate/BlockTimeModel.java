package io.partnner.runtime.estimate;

import io.partnner.runtime.model.ModelProfile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/*
 * Design. The planner needs every block's time on both sides, but each side only runs the blocks on
 * its side of the current cut. For one side and one block, in order of preference:
 *
 * 1. this side's own estimate, if fresh                               MEASURED
 * 2. the other side's fresh estimate times the speed ratio            CROSS_SIDE
 * 3. this side's own estimate, however old                            MEASURED (with its age)
 * 4. the other side's estimate, however old, times the speed ratio    CROSS_SIDE
 * 5. the block's FLOPs times this side's learned nanoseconds per FLOP  FLOPS_PRIOR
 * 6. the block's FLOPs times the configured nanoseconds per FLOP      FLOPS_PRIOR (age "never")
 *
 * A cross-side value rests on the ratio too, so it is labelled with the weaker of the two.
 *
 * The speed ratio (edge time / cloud time) is the FLOPs-weighted median of the per-block ratios over
 * the blocks both sides have estimates for: the fresh ones, as long as they carry at least a quarter of the
 * FLOPs of all such blocks, else all of them. One small block timed on both sides a moment ago must not
 * outvote the whole model timed on both sides a minute ago (its ratio is the noisiest, and it would set
 * the time of every block a side has not run since). A median shrugs off one
 * block whose ratio is odd (an operator one side is poor at); weighting by FLOPs lets the blocks that
 * dominate the total decide. Without a shared block it is the ratio of the two sides' learned
 * nanoseconds per FLOP, and without that the ratio of the configured priors.
 *
 * A side's nanoseconds per FLOP is the ratio of sums (total estimated time over total FLOPs) of its
 * estimated blocks, so large blocks dominate and zero-FLOP blocks still add their time. A side with no
 * measurement takes the other side's figure through the speed ratio. FLOPs are only a prior: once a
 * block is measured on either side, 1-4 replace it, and once any block is measured, 5 replaces 6.
 */

/** Edge and cloud time of every block, measured or estimated across sides or from FLOPs. */
public final class BlockTimeModel {
  /** The share of the shared blocks' weight that fresh shared blocks need to set the ratio alone. */
  private static final double FRESH_SHARE = 0.25;

  private final double[] flops;
  private final BlockTimeEstimator edge;
  private final BlockTimeEstimator cloud;
  private final Settings settings;

  /**
   * A model over the two sides' estimators for the blocks of {@code profile}.
   *
   * @throws IllegalArgumentException when an estimator's block count differs from the profile's
   */
  public BlockTimeModel(ModelProfile profile, BlockTimeEstimator edge, BlockTimeEstimator cloud, Settings settings) {
    Objects.requireNonNull(profile, "profile");
    this.edge = Objects.requireNonNull(edge, "edge");
    this.cloud = Objects.requireNonNull(cloud, "cloud");
    this.settings = Objects.requireNonNull(settings, "settings");
    int blocks = profile.blockCount();
    if (edge.blockCount() != blocks || cloud.blockCount() != blocks) {
      throw new IllegalArgumentException(
          "model " + profile.modelName() + " has " + blocks + " blocks but the edge estimator has "
              + edge.blockCount() + " and the cloud estimator " + cloud.blockCount());
    }
    this.flops = new double[blocks];
    for (int i = 0; i < blocks; i++) {
      double blockFlops = profile.blockFlops().get(i);
      if (!(blockFlops >= 0) || Double.isInfinite(blockFlops)) {
        throw new IllegalArgumentException(
            "block " + i + " of " + profile.modelName() + " has FLOPs " + blockFlops
                + "; expected a finite count >= 0");
      }
      flops[i] = blockFlops;
    }
  }

  /** The edge's block-time estimator, to record measured edge times into. */
  public BlockTimeEstimator edge() {
    return edge;
  }

  /** The cloud's block-time estimator, to record block times returned by cloud executors into. */
  public BlockTimeEstimator cloud() {
    return cloud;
  }

  /** Estimated edge time of one block. */
  public BlockTime edgeTime(int block) {
    checkBlock(block);
    return new View().time(block, true);
  }

  /** Estimated cloud time of one block. */
  public BlockTime cloudTime(int block) {
    checkBlock(block);
    return new View().time(block, false);
  }

  /** Estimated edge time of blocks {@code fromBlock} (inclusive) to {@code toBlock} (exclusive). */
  public BlockTime edgeTime(int fromBlock, int toBlock) {
    return sum(fromBlock, toBlock, true);
  }

  /** Estimated cloud time of blocks {@code fromBlock} (inclusive) to {@code toBlock} (exclusive). */
  public BlockTime cloudTime(int fromBlock, int toBlock) {
    return sum(fromBlock, toBlock, false);
  }

  /** Estimated edge time of every block, in block order. */
  public List<BlockTime> edgeTimes() {
    return all(true);
  }

  /** Estimated cloud time of every block, in block order. */
  public List<BlockTime> cloudTimes() {
    return all(false);
  }

  /** The edge-over-cloud speed ratio and what it rests on. */
  public SpeedRatio speedRatio() {
    Shared fresh = sharedRatio(true);
    Shared all = sharedRatio(false);
    if (fresh != null && fresh.weight() >= FRESH_SHARE * all.weight()) {
      return fresh.ratio();
    }
    if (all != null) {
      return all.ratio();
    }
    SideSpeed edgeSpeed = learnedSpeed(edge);
    SideSpeed cloudSpeed = learnedSpeed(cloud);
    if (edgeSpeed != null && cloudSpeed != null) {
      return new SpeedRatio(
          edgeSpeed.nanosPerFlop() / cloudSpeed.nanosPerFlop(),
          Provenance.FLOPS_PRIOR,
          0,
          Math.max(edgeSpeed.ageNanos(), cloudSpeed.ageNanos()));
    }
    return new SpeedRatio(
        settings.edgeNanosPerFlop() / settings.cloudNanosPerFlop(), Provenance.FLOPS_PRIOR, 0, Long.MAX_VALUE);
  }

  private BlockTime sum(int fromBlock, int toBlock, boolean onEdge) {
    if (fromBlock < 0 || toBlock > flops.length || fromBlock > toBlock) {
      throw new IllegalArgumentException(
          "block range [" + fromBlock + ", " + toBlock + ") is not within [0, " + flops.length + ")");
    }
    View view = new View();
    BlockTime total = BlockTime.NOTHING;
    for (int block = fromBlock; block < toBlock; block++) {
      total = total.plus(view.time(block, onEdge));
    }
    return total;
  }

  private List<BlockTime> all(boolean onEdge) {
    View view = new View();
    List<BlockTime> times = new ArrayList<>(flops.length);
    for (int block = 0; block < flops.length; block++) {
      times.add(view.time(block, onEdge));
    }
    return List.copyOf(times);
  }

  /** The weighted median of per-block ratios over shared blocks and their total weight, or null when there is none. */
  private Shared sharedRatio(boolean freshOnly) {
    List<double[]> ratios = new ArrayList<>();
    long oldest = 0;
    double totalFlops = 0;
    for (int block = 0; block < flops.length; block++) {
      Estimate onEdge = edge.estimate(block).orElse(null);
      Estimate onCloud = cloud.estimate(block).orElse(null);
      if (onEdge == null || onCloud == null || !(onEdge.value() > 0) || !(onCloud.value() > 0)) {
        continue;
      }
      if (freshOnly && !(edge.isFresh(onEdge) && cloud.isFresh(onCloud))) {
        continue;
      }
      ratios.add(new double[] {onEdge.value() / onCloud.value(), flops[block]});
      totalFlops += flops[block];
      oldest = Math.max(oldest, Math.max(onEdge.ageNanos(), onCloud.ageNanos()));
    }
    if (ratios.isEmpty()) {
      return null;
    }
    // Blocks without FLOPs (a profile that has none) still get a say, with equal weights.
    boolean equalWeights = totalFlops <= 0;
    double totalWeight = equalWeights ? ratios.size() : totalFlops;
    ratios.sort(Comparator.comparingDouble(ratio -> ratio[0]));
    double cumulative = 0;
    double median = ratios.get(ratios.size() - 1)[0];
    for (double[] ratio : ratios) {
      cumulative += equalWeights ? 1 : ratio[1];
      if (cumulative >= totalWeight / 2) {
        median = ratio[0];
        break;
      }
    }
    return new Shared(new SpeedRatio(median, Provenance.MEASURED, ratios.size(), oldest), totalWeight);
  }

  /** A side's nanoseconds per FLOP over its estimated blocks (fresh ones if any), or null. */
  private SideSpeed learnedSpeed(BlockTimeEstimator side) {
    SideSpeed fresh = learnedSpeed(side, true);
    return fresh != null ? fresh : learnedSpeed(side, false);
  }

  private SideSpeed learnedSpeed(BlockTimeEstimator side, boolean freshOnly) {
    double nanos = 0;
    double blockFlops = 0;
    long oldest = 0;
    boolean any = false;
    for (int block = 0; block < flops.length; block++) {
      Estimate estimate = side.estimate(block).orElse(null);
      if (estimate == null || (freshOnly && !side.isFresh(estimate))) {
        continue;
      }
      nanos += Math.max(0, estimate.value());
      blockFlops += flops[block];
      oldest = Math.max(oldest, estimate.ageNanos());
      any = true;
    }
    if (!any || !(nanos > 0) || !(blockFlops > 0)) {
      return null;
    }
    return new SideSpeed(nanos / blockFlops, oldest);
  }

  private void checkBlock(int block) {
    if (block < 0 || block >= flops.length) {
      throw new IllegalArgumentException("block " + block + " is out of range for " + flops.length + " blocks");
    }
  }

  private record SideSpeed(double nanosPerFlop, long ageNanos) {}

  /** A shared-block ratio and the weight (FLOPs, or the block count without FLOPs) it rests on. */
  private record Shared(SpeedRatio ratio, double weight) {}

  /** The ratio and side speeds computed once for a batch of lookups. */
  private final class View {
    private final SpeedRatio ratio = speedRatio();
    private SideSpeed edgeSpeed;
    private SideSpeed cloudSpeed;
    private boolean speedsKnown;

    BlockTime time(int block, boolean onEdge) {
      BlockTimeEstimator own = onEdge ? edge : cloud;
      BlockTimeEstimator other = onEdge ? cloud : edge;
      Estimate ownEstimate = own.estimate(block).orElse(null);
      Estimate otherEstimate = other.estimate(block).orElse(null);
      if (ownEstimate != null && own.isFresh(ownEstimate)) {
        return measured(ownEstimate);
      }
      if (otherEstimate != null && other.isFresh(otherEstimate)) {
        return crossSide(otherEstimate, onEdge);
      }
      if (ownEstimate != null) {
        return measured(ownEstimate);
      }
      if (otherEstimate != null) {
        return crossSide(otherEstimate, onEdge);
      }
      return fromFlops(block, onEdge);
    }

    private BlockTime measured(Estimate estimate) {
      return new BlockTime(Math.max(0, estimate.value()), Provenance.MEASURED, estimate.ageNanos());
    }

    private BlockTime crossSide(Estimate otherSide, boolean onEdge) {
      double scale = onEdge ? ratio.edgeOverCloud() : 1 / ratio.edgeOverCloud();
      return new BlockTime(
          Math.max(0, otherSide.value()) * scale,
          Provenance.weaker(Provenance.CROSS_SIDE, ratio.provenance()),
          Math.max(otherSide.ageNanos(), ratio.ageNanos()));
    }

    private BlockTime fromFlops(int block, boolean onEdge) {
      if (!speedsKnown) {
        edgeSpeed = learnedSpeed(edge);
        cloudSpeed = learnedSpeed(cloud);
        speedsKnown = true;
      }
      SideSpeed own = onEdge ? edgeSpeed : cloudSpeed;
      SideSpeed other = onEdge ? cloudSpeed : edgeSpeed;
      double nanosPerFlop;
      long age;
      if (own != null) {
        nanosPerFlop = own.nanosPerFlop();
        age = own.ageNanos();
      } else if (other != null) {
        double edgeOverCloud = ratio.edgeOverCloud();
        nanosPerFlop = onEdge ? other.nanosPerFlop() * edgeOverCloud : other.nanosPerFlop() / edgeOverCloud;
        age = Math.max(other.ageNanos(), ratio.ageNanos());
      } else {
        nanosPerFlop = onEdge ? settings.edgeNanosPerFlop() : settings.cloudNanosPerFlop();
        age = Long.MAX_VALUE;
      }
      return new BlockTime(flops[block] * nanosPerFlop, Provenance.FLOPS_PRIOR, age);
    }
  }

  /**
   * The FLOPs prior: speeds assumed for each side before anything has been measured.
   *
   * @param edgeNanosPerFlop nanoseconds per multiply-add on the edge
   * @param cloudNanosPerFlop nanoseconds per multiply-add on a cloud executor
   */
  public record Settings(double edgeNanosPerFlop, double cloudNanosPerFlop) {
    /**
     * Order-of-magnitude assumptions, not measurements: 20 G multiply-adds per second on the edge
     * (a few mobile CPU cores) and 200 G on a cloud executor, a ratio of 10. They only rank the cuts
     * until the first inference has been timed.
     */
    public static final Settings DEFAULT = new Settings(0.05, 0.005);

    public Settings {
      if (!(edgeNanosPerFlop > 0) || Double.isInfinite(edgeNanosPerFlop)) {
        throw new IllegalArgumentException("edgeNanosPerFlop must be positive and finite, got " + edgeNanosPerFlop);
      }
      if (!(cloudNanosPerFlop > 0) || Double.isInfinite(cloudNanosPerFlop)) {
        throw new IllegalArgumentException("cloudNanosPerFlop must be positive and finite, got " + cloudNanosPerFlop);
      }
    }
  }
}
