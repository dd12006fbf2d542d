package io.partnner.runtime.estimate;

import java.util.Objects;

/**
 * How many times slower the edge is than the cloud, and what that figure rests on.
 *
 * @param edgeOverCloud edge time divided by cloud time for the same block
 * @param provenance {@link Provenance#MEASURED} when learned from blocks both sides have run, else
 *     {@link Provenance#FLOPS_PRIOR}
 * @param sharedBlocks how many blocks measured on both sides it was learned from
 * @param ageNanos age of the oldest measurement it rests on; {@link Long#MAX_VALUE} for the configured prior
 */
public record SpeedRatio(double edgeOverCloud, Provenance provenance, int sharedBlocks, long ageNanos) {

  public SpeedRatio {
    Objects.requireNonNull(provenance, "provenance");
    if (!(edgeOverCloud > 0) || Double.isInfinite(edgeOverCloud)) {
      throw new IllegalArgumentException("a speed ratio must be positive and finite, got " + edgeOverCloud);
    }
    if (provenance == Provenance.CROSS_SIDE) {
      throw new IllegalArgumentException("a speed ratio is measured or a prior, never cross-side");
    }
    if (sharedBlocks < 0 || ageNanos < 0) {
      throw new IllegalArgumentException(
          "shared blocks and age must be non-negative, got " + sharedBlocks + " and " + ageNanos + " ns");
    }
  }
}
