package io.partnner.runtime.serve;

/**
 * Where one request's time went, as the edge measured it (all nanoseconds). For a request served on the
 * edge alone only {@code edgeNanos} is non-zero; a request that fell back to the edge mid-way also counts
 * the time it spent waiting for the lost cloud executor in {@code fallbackNanos}.
 *
 * @param edgeNanos edge compute (head blocks, or the whole model)
 * @param encodeNanos encoding the crossing tensors
 * @param linkUpNanos from handing the crossing to the link until the cloud's receipt came back
 * @param queueNanos wait in the cloud executor's queue, as the executor measured it
 * @param cloudNanos cloud compute of the tail blocks, as the executor measured it
 * @param linkDownNanos the rest of the time until the answer arrived (result bytes over the downlink)
 * @param fallbackNanos time lost to a cloud executor that failed or timed out before the edge took over
 * @param totalNanos from the request's admission to its answer
 */
public record MeasuredLatency(
    long edgeNanos,
    long encodeNanos,
    long linkUpNanos,
    long queueNanos,
    long cloudNanos,
    long linkDownNanos,
    long fallbackNanos,
    long totalNanos) {

  /** Milliseconds, for printing. */
  public double totalMillis() {
    return totalNanos / 1e6;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT,
        "total %.2f ms (edge %.2f, encode %.2f, up %.2f, queue %.2f, cloud %.2f, down %.2f, fallback %.2f)",
        totalNanos / 1e6, edgeNanos / 1e6, encodeNanos / 1e6, linkUpNanos / 1e6, queueNanos / 1e6,
        cloudNanos / 1e6, linkDownNanos / 1e6, fallbackNanos / 1e6);
  }
}
