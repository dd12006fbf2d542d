package io.partnner.runtime.estimate;

import java.util.Objects;

/**
 * An estimated compute time of one block or a range of blocks on one side.
 *
 * @param nanos the estimated time
 * @param provenance the weakest evidence it rests on
 * @param ageNanos age of the oldest measurement it rests on; {@link Long#MAX_VALUE} when it rests on a
 *     configured prior and no measurement
 */
public record BlockTime(double nanos, Provenance provenance, long ageNanos) {
  static final BlockTime NOTHING = new BlockTime(0, Provenance.MEASURED, 0);

  public BlockTime {
    Objects.requireNonNull(provenance, "provenance");
    if (!(nanos >= 0) || Double.isInfinite(nanos)) {
      throw new IllegalArgumentException("a block time must be finite and non-negative, got " + nanos);
    }
    if (ageNanos < 0) {
      throw new IllegalArgumentException("age must be non-negative, got " + ageNanos + " ns");
    }
  }

  /** The sum of two estimates, as weak and as old as the weaker and older of them. */
  BlockTime plus(BlockTime other) {
    return new BlockTime(
        nanos + other.nanos, Provenance.weaker(provenance, other.provenance), Math.max(ageNanos, other.ageNanos));
  }
}
