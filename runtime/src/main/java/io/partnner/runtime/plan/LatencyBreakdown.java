package io.partnner.runtime.plan;

/**
 * The predicted end-to-end latency of one plan, term by term as in DESIGN section 2 (all nanoseconds;
 * the link and cloud terms are zero for the edge-only plan).
 *
 * @param edgeNanos edge compute of the head blocks
 * @param encodeNanos encoding the crossing tensors
 * @param rttNanos one round trip of the link
 * @param uplinkNanos crossing bytes over the uplink bandwidth
 * @param queueNanos expected wait in the cloud executor's queue
 * @param cloudNanos cloud compute of the tail blocks
 * @param downlinkNanos result bytes over the downlink bandwidth
 * @param decodeNanos decoding the crossing tensors
 */
public record LatencyBreakdown(
    double edgeNanos,
    double encodeNanos,
    double rttNanos,
    double uplinkNanos,
    double queueNanos,
    double cloudNanos,
    double downlinkNanos,
    double decodeNanos) {

  /** The sum of all terms. */
  public double totalNanos() {
    return edgeNanos + encodeNanos + rttNanos + uplinkNanos + queueNanos + cloudNanos + downlinkNanos + decodeNanos;
  }
}
