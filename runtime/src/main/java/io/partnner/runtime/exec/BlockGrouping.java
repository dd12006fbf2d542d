package io.partnner.runtime.exec;

import io.partnner.runtime.model.CutPoint;
import io.partnner.runtime.model.ModelProfile;
import java.util.ArrayList;
import java.util.List;

/**
 * Which cuts an executor runs sessions between. A cut is skipped when a later cut sends no more bytes
 * with almost no work in between (a Conv's output before its BatchNorm and ReLU): no plan gains by
 * stopping there, and one session over the group keeps ONNX Runtime's fusions and saves a call per
 * block. Ranges that start or end at a skipped cut still run; they just get a session of their own.
 *
 * <p>Once block times are known, {@link #coarsen} merges neighbouring groups until each takes at
 * least a minimum time: a session call costs tens of microseconds whatever it computes, so a 8 ms
 * model cut into 27 sessions would spend a sixth of its time on calls. Times inside a merged piece
 * are then shared among its blocks by FLOPs.
 */
public final class BlockGrouping {
  private final int[] boundaries;

  private BlockGrouping(int[] boundaries) {
    this.boundaries = boundaries;
  }

  /** Groups the blocks of {@code profile} under {@code settings}. */
  public static BlockGrouping of(ModelProfile profile, ExecutorSettings settings) {
    List<CutPoint> cuts = profile.cuts();
    int last = cuts.size() - 1;
    double[] prefix = new double[cuts.size()];
    for (int i = 1; i <= last; i++) {
      prefix[i] = prefix[i - 1] + profile.blockFlops().get(i - 1);
    }
    double negligible = settings.groupFlopShare() * prefix[last];
    List<Integer> kept = new ArrayList<>();
    kept.add(0);
    for (int k = 1; k < last; k++) {
      if (!dominated(cuts, prefix, k, negligible)) {
        kept.add(k);
      }
    }
    kept.add(last);
    return new BlockGrouping(kept.stream().mapToInt(Integer::intValue).toArray());
  }

  private static boolean dominated(List<CutPoint> cuts, double[] prefix, int k, double negligible) {
    long bytes = cuts.get(k).crossingBytes();
    for (int j = k + 1; j < cuts.size() - 1 && prefix[j] - prefix[k] <= negligible; j++) {
      if (cuts.get(j).crossingBytes() <= bytes) {
        return true;
      }
    }
    return false;
  }

  /** One piece for any range: every run is a single session. */
  public static BlockGrouping single(int lastCut) {
    return new BlockGrouping(new int[] {0, lastCut});
  }

  /** Number of piece boundaries strictly inside {@code [fromCut, toCut)}. */
  public int boundariesInside(int fromCut, int toCut) {
    return piecesBetween(fromCut, toCut).size() - 1;
  }

  /**
   * Merges neighbouring groups so that each piece takes at least {@code minPieceNanos}, judged by
   * {@code blockNanos} (per block; {@code NaN} where unknown, which then keeps its boundaries).
   */
  public BlockGrouping coarsen(double[] blockNanos, long minPieceNanos) {
    List<Integer> kept = new ArrayList<>();
    kept.add(boundaries[0]);
    double pending = 0;
    boolean known = true;
    for (int i = 1; i < boundaries.length; i++) {
      for (int block = boundaries[i - 1]; block < boundaries[i]; block++) {
        if (Double.isNaN(blockNanos[block])) {
          known = false;
        } else {
          pending += blockNanos[block];
        }
      }
      boolean lastBoundary = i == boundaries.length - 1;
      if (lastBoundary || !known || pending >= minPieceNanos || unknownAhead(blockNanos, boundaries[i], boundaries[i + 1])) {
        kept.add(boundaries[i]);
        pending = 0;
        known = true;
      }
    }
    return new BlockGrouping(kept.stream().mapToInt(Integer::intValue).toArray());
  }

  private static boolean unknownAhead(double[] blockNanos, int from, int to) {
    for (int block = from; block < to; block++) {
      if (Double.isNaN(blockNanos[block])) {
        return true;
      }
    }
    return false;
  }

  /** The cuts sessions start and end at, ascending, always including the first and last. */
  public int[] boundaries() {
    return boundaries.clone();
  }

  /** The pieces {@code [from, to)} is run as: consecutive cut pairs. */
  public List<int[]> piecesBetween(int fromCut, int toCut) {
    List<int[]> pieces = new ArrayList<>();
    int start = fromCut;
    for (int boundary : boundaries) {
      if (boundary > start && boundary < toCut) {
        pieces.add(new int[] {start, boundary});
        start = boundary;
      }
    }
    if (start < toCut) {
      pieces.add(new int[] {start, toCut});
    }
    return pieces;
  }
}
