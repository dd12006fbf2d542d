package io.partnner.examples.bench;

import java.util.Arrays;

/** The two summaries every timing bench prints: the median of its samples and a throughput. */
public final class Measures {
  private Measures() {}

  /** The median of {@code values} (the mean of the middle two for an even count); the array is not changed. */
  public static long median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  /** {@code bytes} moved in {@code nanos}, in MB (10^6 bytes) per second. */
  public static double megabytesPerSecond(long bytes, long nanos) {
    return bytes * 1e3 / Math.max(1, nanos);
  }
}
