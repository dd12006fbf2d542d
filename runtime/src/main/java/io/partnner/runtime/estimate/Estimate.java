package io.partnner.runtime.estimate;

/**
 * A snapshot of a robust estimate: its level, spread, the evidence behind it and its age.
 *
 * @param value the current level
 * @param deviation mean absolute deviation of accepted samples around the level
 * @param samples samples behind the current level: since the first sample or the last detected change
 * @param lastUpdateNanos ticker time of the last accepted sample (or of the detected change)
 * @param ageNanos time from {@code lastUpdateNanos} to when this snapshot was taken
 * @param changeDetected true when the most recent observation was recognised as a level change
 */
public record Estimate(
    double value, double deviation, long samples, long lastUpdateNanos, long ageNanos, boolean changeDetected) {

  public Estimate {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("estimate value must be finite, got " + value);
    }
    if (!(deviation >= 0) || Double.isInfinite(deviation)) {
      throw new IllegalArgumentException("deviation must be finite and non-negative, got " + deviation);
    }
    if (samples < 1) {
      throw new IllegalArgumentException("an estimate rests on at least one sample, got " + samples);
    }
    if (ageNanos < 0) {
      throw new IllegalArgumentException("age must be non-negative, got " + ageNanos + " ns");
    }
  }
}
