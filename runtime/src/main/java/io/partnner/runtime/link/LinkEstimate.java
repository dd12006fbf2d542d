package io.partnner.runtime.link;

/**
 * What the edge currently believes about one direction of the link, learnt from transfer timings.
 *
 * @param direction the direction
 * @param mbps estimated bandwidth in Mbit/s (10^6 bit/s)
 * @param rttNanos estimated round-trip time (one for both directions)
 * @param bandwidthAgeNanos time since the newest sample the bandwidth rests on
 * @param rttAgeNanos time since the newest sample the RTT rests on
 * @param changeSuspected whether recent timings disagree with the estimate: the link may be changing,
 *     so the estimate deserves less trust and a probe is worth more
 */
public record LinkEstimate(
    Direction direction, double mbps, long rttNanos, long bandwidthAgeNanos, long rttAgeNanos, boolean changeSuspected) {

  /** Checks the values are usable. */
  public LinkEstimate {
    if (direction == null || !(mbps > 0) || Double.isInfinite(mbps) || rttNanos < 0 || bandwidthAgeNanos < 0 || rttAgeNanos < 0) {
      throw new IllegalArgumentException("invalid link estimate: " + direction + " " + mbps + " Mbit/s, RTT " + rttNanos
          + " ns, ages " + bandwidthAgeNanos + "/" + rttAgeNanos + " ns");
    }
  }

  /** Predicted time for a transfer of {@code bytes} on an idle link, as the edge sees it: RTT plus bytes over bandwidth. */
  public long predictNanos(long bytes) {
    return rttNanos + Math.round(bytes * 8 / (mbps * 1e6) * 1e9);
  }
}
