package io.partnner.runtime.plan;

/**
 * The values a latency prediction is made from: every block's time on each side, the link and the
 * cloud queue. Head and tail sums are kept per cut so that a prediction costs O(1).
 */
public final class Conditions {
  private final double[] edgeHead;
  private final double[] cloudTail;
  private final double uplinkMbps;
  private final double downlinkMbps;
  private final double rttNanos;
  private final double queueNanos;

  /**
   * Conditions from per-block times (block {@code i} lies between cuts {@code i} and {@code i + 1}).
   *
   * @throws IllegalArgumentException when the arrays differ in length or a value is negative or not finite
   */
  public Conditions(
      double[] edgeBlockNanos, double[] cloudBlockNanos, double uplinkMbps, double downlinkMbps, double rttNanos,
      double queueNanos) {
    if (edgeBlockNanos.length != cloudBlockNanos.length || edgeBlockNanos.length == 0) {
      throw new IllegalArgumentException(
          "need the same, non-zero number of edge and cloud block times, got " + edgeBlockNanos.length + " and "
              + cloudBlockNanos.length);
    }
    if (!(uplinkMbps > 0) || !(downlinkMbps > 0) || Double.isInfinite(uplinkMbps) || Double.isInfinite(downlinkMbps)) {
      throw new IllegalArgumentException(
          "bandwidths must be positive and finite, got up " + uplinkMbps + " and down " + downlinkMbps + " Mbit/s");
    }
    checkTime("RTT", rttNanos);
    checkTime("queueing delay", queueNanos);
    int blocks = edgeBlockNanos.length;
    this.edgeHead = new double[blocks + 1];
    this.cloudTail = new double[blocks + 1];
    for (int block = 0; block < blocks; block++) {
      checkTime("edge time of block " + block, edgeBlockNanos[block]);
      edgeHead[block + 1] = edgeHead[block] + edgeBlockNanos[block];
    }
    for (int block = blocks - 1; block >= 0; block--) {
      checkTime("cloud time of block " + block, cloudBlockNanos[block]);
      cloudTail[block] = cloudTail[block + 1] + cloudBlockNanos[block];
    }
    this.uplinkMbps = uplinkMbps;
    this.downlinkMbps = downlinkMbps;
    this.rttNanos = rttNanos;
    this.queueNanos = queueNanos;
  }

  /** Number of blocks. */
  public int blockCount() {
    return edgeHead.length - 1;
  }

  /** Edge time of the head of {@code cut}: blocks 0 to cut - 1. */
  public double edgeNanos(int cut) {
    return edgeHead[cut];
  }

  /** Cloud time of the tail of {@code cut}: blocks cut to the last. */
  public double cloudNanos(int cut) {
    return cloudTail[cut];
  }

  /** Uplink bandwidth in Mbit/s. */
  public double uplinkMbps() {
    return uplinkMbps;
  }

  /** Downlink bandwidth in Mbit/s. */
  public double downlinkMbps() {
    return downlinkMbps;
  }

  /** Round-trip time. */
  public double rttNanos() {
    return rttNanos;
  }

  /** Expected wait in the cloud's queue. */
  public double queueNanos() {
    return queueNanos;
  }

  /** Nanoseconds to move {@code bytes} at {@code mbps} (10^6 bit/s). */
  static double wireNanos(long bytes, double mbps) {
    return bytes * 8000.0 / mbps;
  }

  /** Mbit/s (10^6 bit/s) of {@code bytes} moved in {@code nanos}. */
  static double mbps(long bytes, double nanos) {
    return bytes * 8000.0 / nanos;
  }

  private static void checkTime(String what, double nanos) {
    if (!(nanos >= 0) || Double.isInfinite(nanos)) {
      throw new IllegalArgumentException(what + " must be finite and non-negative, got " + nanos + " ns");
    }
  }
}
