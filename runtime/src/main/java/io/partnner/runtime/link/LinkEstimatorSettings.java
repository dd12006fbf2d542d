package io.partnner.runtime.link;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link LinkEstimator}; {@link #defaults()} suits links whose bandwidth changes every
 * second or so, like the measured traces.
 *
 * @param bandwidthHalfLife how fast old bandwidth samples lose weight (by elapsed time, not count)
 * @param spreadHalfLife how fast the spread used to judge outliers forgets; longer than
 *     {@code bandwidthHalfLife} so that it reflects how much the link normally moves
 * @param rttHalfLife how fast old RTT samples lose weight
 * @param outlierSigmas how many spreads from the estimate a sample must fall to be held back
 * @param minRelativeSpread floor of the spread, as a relative deviation (0.25 = 25%), so that a
 *     steady link does not turn every small wobble into an outlier
 * @param changeRun consecutive outliers on the same side that mean the link changed
 * @param staleAfter age beyond which an estimate no longer vetoes samples that disagree with it
 * @param rttSampleMaxBandwidthShare a completed transfer yields an RTT sample only when its bytes over
 *     the estimated bandwidth are at most this share of the estimated RTT (small transfers, probes)
 * @param bandwidthSampleMinRttShare a transfer that did not queue yields a bandwidth sample only when
 *     its time on the wire is at least this share of the estimated RTT, so RTT error cannot dominate it
 * @param smallTransferBytes before any bandwidth estimate exists, transfers up to this size count as
 *     pure round trips
 * @param minSampleTime shortest time on the wire that counts as a bandwidth sample (timer resolution)
 * @param timingNoiseHalfLife how fast the scatter of the edge's timings (learnt from the RTT samples) forgets;
 *     long, since it is a property of the machine and path rather than of the moment, and the scatter comes
 *     in rare large delays that a short memory would miss between them
 */
public record LinkEstimatorSettings(
    Duration bandwidthHalfLife,
    Duration spreadHalfLife,
    Duration rttHalfLife,
    double outlierSigmas,
    double minRelativeSpread,
    int changeRun,
    Duration staleAfter,
    double rttSampleMaxBandwidthShare,
    double bandwidthSampleMinRttShare,
    long smallTransferBytes,
    Duration minSampleTime,
    Duration timingNoiseHalfLife) {

  /** Checks every value. */
  public LinkEstimatorSettings {
    positive("bandwidthHalfLife", bandwidthHalfLife);
    positive("spreadHalfLife", spreadHalfLife);
    positive("rttHalfLife", rttHalfLife);
    positive("staleAfter", staleAfter);
    positive("minSampleTime", minSampleTime);
    positive("timingNoiseHalfLife", timingNoiseHalfLife);
    if (!(outlierSigmas >= 1) || Double.isInfinite(outlierSigmas)) {
      throw new IllegalArgumentException("outlierSigmas must be a finite number >= 1, got " + outlierSigmas);
    }
    if (!(minRelativeSpread > 0 && minRelativeSpread < 10)) {
      throw new IllegalArgumentException("minRelativeSpread must be in (0, 10), got " + minRelativeSpread);
    }
    if (changeRun < 1 || changeRun > 100) {
      throw new IllegalArgumentException("changeRun must be in 1..100 samples, got " + changeRun);
    }
    if (!(rttSampleMaxBandwidthShare > 0 && rttSampleMaxBandwidthShare < 1)) {
      throw new IllegalArgumentException("rttSampleMaxBandwidthShare must be in (0, 1), got " + rttSampleMaxBandwidthShare);
    }
    if (!(bandwidthSampleMinRttShare >= 0) || Double.isInfinite(bandwidthSampleMinRttShare)) {
      throw new IllegalArgumentException("bandwidthSampleMinRttShare must be a finite number >= 0, got " + bandwidthSampleMinRttShare);
    }
    if (smallTransferBytes < 0) {
      throw new IllegalArgumentException("smallTransferBytes must not be negative, got " + smallTransferBytes);
    }
  }

  /** Defaults for links that change about every second. */
  public static LinkEstimatorSettings defaults() {
    return new LinkEstimatorSettings(Duration.ofMillis(150), Duration.ofSeconds(5), Duration.ofSeconds(5), 3.0, 0.25, 3,
        Duration.ofSeconds(2), 0.25, 0.5, 2048, Duration.ofNanos(50_000), Duration.ofSeconds(30));
  }

  private static void positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
