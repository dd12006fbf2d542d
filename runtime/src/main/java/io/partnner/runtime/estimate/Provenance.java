package io.partnner.runtime.estimate;

/** Where a block-time estimate comes from, from strongest to weakest evidence. */
public enum Provenance {
  /** Measured on this side. */
  MEASURED,
  /** This block's time on the other side, scaled by the speed ratio learned from shared blocks. */
  CROSS_SIDE,
  /** The block's FLOPs at a speed that is learned from other blocks, or configured when nothing is known. */
  FLOPS_PRIOR;

  /** The weaker of two provenances, for values computed from both. */
  static Provenance weaker(Provenance a, Provenance b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
