package io.partnner.runtime.link;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link ProbePolicy}.
 *
 * @param linkShare the most of the link's time probes may take, averaged over time (0.02 = 2%)
 * @param budgetWindow how much unused budget may be saved up: {@code linkShare} times this window,
 *     so a burst after a quiet spell stays short
 * @param idleInterval time between probes while the estimate is fresh and steady
 * @param urgentInterval time between probes while there is no estimate, it is older than
 *     {@code staleAfter}, or a change is suspected (the budget still caps them)
 * @param staleAfter age beyond which an estimate counts as old
 * @param headBytes size of the small leading transfer that measures the round trip
 * @param tailTarget time the trailing transfer should take on the wire at the estimated bandwidth;
 *     long enough to time well, short enough to be cheap
 * @param tailNoiseMultiple ... and at least this many times the scatter of the edge's timings
 *     ({@link LinkEstimator#timingNoiseNanos}), so that the tail can be timed where replies reach the edge
 *     milliseconds late now and then (a loaded machine); no effect where timings are exact
 * @param minTailBytes smallest trailing transfer
 * @param maxTailBytes largest trailing transfer
 */
public record ProbeSettings(
    double linkShare,
    Duration budgetWindow,
    Duration idleInterval,
    Duration urgentInterval,
    Duration staleAfter,
    long headBytes,
    Duration tailTarget,
    double tailNoiseMultiple,
    long minTailBytes,
    long maxTailBytes) {

  /** Checks every value. */
  public ProbeSettings {
    if (!(linkShare > 0 && linkShare <= 0.5)) {
      throw new IllegalArgumentException("linkShare must be in (0, 0.5], got " + linkShare);
    }
    positive("budgetWindow", budgetWindow);
    positive("idleInterval", idleInterval);
    positive("urgentInterval", urgentInterval);
    positive("staleAfter", staleAfter);
    positive("tailTarget", tailTarget);
    if (!(tailNoiseMultiple >= 0) || Double.isInfinite(tailNoiseMultiple)) {
      throw new IllegalArgumentException("tailNoiseMultiple must be a finite number >= 0, got " + tailNoiseMultiple);
    }
    if (urgentInterval.compareTo(idleInterval) > 0) {
      throw new IllegalArgumentException("urgentInterval " + urgentInterval + " must not be longer than idleInterval " + idleInterval);
    }
    if (headBytes < 1) {
      throw new IllegalArgumentException("headBytes must be at least 1, got " + headBytes);
    }
    if (minTailBytes < 1 || maxTailBytes < minTailBytes) {
      throw new IllegalArgumentException("tail sizes must satisfy 1 <= minTailBytes <= maxTailBytes, got " + minTailBytes + " and " + maxTailBytes);
    }
  }

  /**
   * Defaults: at most 2% of the link, a probe every 100 ms when fresh and every 50 ms when not, budget allowing;
   * tails of 2 ms on the wire, or five times the timing scatter (a sample then scatters by a fifth of its value,
   * under the estimator's 25% floor of the spread, so it counts in full).
   */
  public static ProbeSettings defaults() {
    return new ProbeSettings(0.02, Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofSeconds(1),
        64, Duration.ofMillis(2), 5, 256, 1 << 20);
  }

  private static void positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
