package io.partnner.runtime.plan;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/*
 * Design. A request sent to the cloud keeps its crossing tensors on the edge, so the edge can always
 * finish it itself; the question is only how long to wait first. A fixed deadline (seconds, sized for a
 * dead node) lets a one-second dip of a link that normally carries the crossing in milliseconds cost the
 * request in flight the whole dip. The plan's prediction says how long the cloud part should take, so an
 * answer overdue against it by a clear margin means the conditions the plan was made for are gone: stop
 * waiting, finish on the edge, and tell the planner (Observation.CloudOverdue).
 *
 * The margin beyond the predicted cloud part P (link up, queue, cloud compute, link down, decoding) is the
 * largest of:
 * - (multiple - 1) x P, so ordinary variation of the link and the cloud never takes a request back;
 * - floor, so neither does timing noise or a runtime pause on a fast path;
 * - the predicted edge fallback E (decoding the crossing and the tail blocks on the edge). Giving up costs
 *   E on top of the time already waited, so waiting E longer first is the classic rent-or-buy rule: it
 *   never pays more than twice what the better choice in hindsight would have, whereas giving up sooner
 *   can turn a late answer into a far later one when the edge is slow.
 * The cloud's receipt of the crossing restarts the clock for what is left: from the receipt the answer is
 * predicted to take the queue, the decoding, the tail and the way back, and the edge then waits that plus
 * the same kind of margin (never less than it would have anyway). A crossing that met a slow uplink but got
 * through is not thrown away just before its answer arrives.
 *
 * `ceiling`, the deadline for a dead node, is the wait without a prediction (baselines that do not model
 * latency) and caps the allowance for variation; it never cuts the rent-or-buy wait (cloud part plus edge
 * fallback), which the planner's own choice bounds: a plan is chosen only when its predicted total beats
 * running the rest on the edge.
 */

/** When the edge stops waiting for a cloud answer and finishes the request from the crossing tensors it kept. */
public final class CloudDeadline {
  /** The default multiple of the predicted cloud part before the edge gives up. */
  public static final double DEFAULT_MULTIPLE = 2;
  /** The default smallest margin beyond the prediction. */
  public static final Duration DEFAULT_FLOOR = Duration.ofMillis(50);
  /** The default wait without a prediction (the gateway's configured deadline), also the cap on the allowance for variation. */
  public static final Duration DEFAULT_CEILING = Duration.ofSeconds(5);
  /** A margin of the largest of the prediction, 50 ms and the edge fallback; 5 s without a prediction. */
  public static final CloudDeadline DEFAULT = new CloudDeadline(DEFAULT_MULTIPLE, DEFAULT_FLOOR, DEFAULT_CEILING);

  private final double multiple;
  private final long floorNanos;
  private final long ceilingNanos;

  /**
   * A deadline at the predicted cloud part plus a margin of at least {@code (multiple - 1)} times it, at
   * least {@code floor} and at least the predicted edge fallback; {@code ceiling} without a prediction.
   *
   * @throws IllegalArgumentException for a multiple below 1 or not finite, a negative floor, or a ceiling
   *     that is not positive
   */
  public CloudDeadline(double multiple, Duration floor, Duration ceiling) {
    Objects.requireNonNull(floor, "floor");
    Objects.requireNonNull(ceiling, "ceiling");
    if (!(multiple >= 1) || Double.isInfinite(multiple)) {
      throw new IllegalArgumentException("deadline multiple must be a finite number >= 1, got " + multiple);
    }
    if (floor.isNegative() || ceiling.isNegative() || ceiling.isZero()) {
      throw new IllegalArgumentException(
          "deadline needs a floor >= 0 and a positive ceiling, got floor " + floor + " and ceiling " + ceiling);
    }
    this.multiple = multiple;
    this.floorNanos = floor.toNanos();
    this.ceilingNanos = ceiling.toNanos();
  }

  /** The default multiple and floor under the gateway's configured deadline {@code ceiling}. */
  public static CloudDeadline withCeiling(Duration ceiling) {
    return new CloudDeadline(DEFAULT_MULTIPLE, DEFAULT_FLOOR, ceiling);
  }

  /**
   * How long after the crossing is handed to the link the edge waits for the answer: the predicted cloud
   * part plus the margin; the ceiling without a prediction.
   */
  public long waitNanos(Optional<Prediction> predicted) {
    if (predicted.isEmpty()) {
      return ceilingNanos;
    }
    return wait(cloudPartNanos(predicted.get().latency()), predicted.get().edgeFallbackNanos());
  }

  /** The time the answer is due by, for a crossing handed to the link at {@code sentNanos}. */
  public long deadlineNanos(long sentNanos, Optional<Prediction> predicted) {
    return saturatedAdd(sentNanos, waitNanos(predicted));
  }

  /**
   * The time the answer is due by once the cloud's receipt of the crossing came back at {@code ackedNanos}:
   * the predicted rest (queue, decoding, tail, way back) plus the margin from there, never earlier than
   * {@code deadlineNanos}, the deadline set at sending. Without a prediction it stays {@code deadlineNanos}.
   */
  public long deadlineAfterReceiptNanos(long deadlineNanos, long ackedNanos, Optional<Prediction> predicted) {
    if (predicted.isEmpty()) {
      return deadlineNanos;
    }
    LatencyBreakdown latency = predicted.get().latency();
    double rest = latency.queueNanos() + latency.decodeNanos() + latency.cloudNanos() + latency.downlinkNanos();
    return Math.max(deadlineNanos, saturatedAdd(ackedNanos, wait(rest, predicted.get().edgeFallbackNanos())));
  }

  /** The wait without a prediction, and the cap on the allowance for variation. */
  public Duration ceiling() {
    return Duration.ofNanos(ceilingNanos);
  }

  /** A predicted {@code part} plus the margin; the variation allowance capped, the rent-or-buy wait not. */
  private long wait(double part, double fallback) {
    double wait = part + Math.max(Math.max((multiple - 1) * part, floorNanos), fallback);
    double cap = Math.max(ceilingNanos, part + fallback);
    return wait >= cap ? Math.round(cap) : Math.round(wait);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  /** Everything a prediction puts after the edge's own work: link both ways, queue, cloud compute, decoding. */
  static double cloudPartNanos(LatencyBreakdown predicted) {
    return predicted.rttNanos() + predicted.uplinkNanos() + predicted.queueNanos() + predicted.cloudNanos()
        + predicted.downlinkNanos() + predicted.decodeNanos();
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "the predicted cloud part plus the largest of %.1fx it, %.0f ms and the edge fallback; %.0f ms without a prediction",
        multiple - 1, floorNanos / 1e6, ceilingNanos / 1e6);
  }
}
