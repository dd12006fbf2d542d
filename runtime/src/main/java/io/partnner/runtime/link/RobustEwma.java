package io.partnner.runtime.link;

/**
 * A robust, time-weighted running mean of samples arriving at irregular times, with change detection.
 *
 * <p>A sample moves the mean by {@code 1 - 2^(-dt/halfLife)}, where {@code dt} is the time since the
 * previous accepted sample, so the weight follows elapsed time rather than sample count (the usual
 * irregular-interval form of an exponentially weighted moving average). The spread is tracked the
 * same way over a longer half-life, so it describes how much the signal normally moves rather than the
 * last few samples. A sample more than {@code sigmas} spreads from the mean is held back as an outlier;
 * {@code changeRun} such samples in a row on the same side mean the signal stepped, and the mean restarts
 * from them, dropping the stale weight (a simple form of the change detectors surveyed in M. Basseville
 * and I. Nikiforov, "Detection of Abrupt Changes", 1993). A mean older than {@code staleNanos} vetoes
 * nothing: the next sample replaces it.
 *
 * <p>A sample may come with its own uncertainty (a spread of its own, on the scale of the values), for
 * instance a rate timed over an interval not much longer than the timer's scatter. It then counts less,
 * by the share of its variance that is the signal's: its time weight {@code w} times
 * {@code r^2 / (r^2 + s^2)}, with {@code r} the tracked spread and {@code s} its own (inverse-variance
 * weighting, as a Kalman filter gives a noisy measurement against a mean as uncertain as the spread:
 * R. E. Kalman, "A new approach to linear filtering and prediction problems", 1960). However old the mean,
 * one badly timed sample cannot replace it. Such a sample is judged an outlier against {@code sqrt(r^2 + s^2)},
 * so a run of badly timed samples cannot pass for a change, and it moves the spread only by its share of the
 * variance. One noisier than the spread does not date the mean ({@link #lastNanos}): the mean does not rest on it.
 */
final class RobustEwma {
  enum Outcome { ACCEPTED, REJECTED, CHANGED }

  private final long halfLifeNanos;
  private final long spreadHalfLifeNanos;
  private final long staleNanos;
  private final double sigmas;
  private final double minSpread;
  private final double[] run;
  private boolean known;
  private double mean;
  private double variance;
  private long lastNanos;
  private int samples;
  private int runLength;
  private int runSide;
  private long rejected;
  private long lastRejectedNanos;
  private long changes;

  RobustEwma(long halfLifeNanos, long spreadHalfLifeNanos, long staleNanos, double sigmas, double minSpread, int changeRun) {
    this.halfLifeNanos = halfLifeNanos;
    this.spreadHalfLifeNanos = spreadHalfLifeNanos;
    this.staleNanos = staleNanos;
    this.sigmas = sigmas;
    this.minSpread = minSpread;
    this.run = new double[changeRun];
  }

  Outcome offer(double value, long nanos) {
    return offer(value, nanos, 0);
  }

  /** Offers a sample whose own uncertainty is {@code sampleSpread} (on the scale of the values; 0 for an exact one). */
  Outcome offer(double value, long nanos, double sampleSpread) {
    if (!(sampleSpread >= 0)) {
      throw new IllegalArgumentException("a sample's spread must be >= 0, got " + sampleSpread);
    }
    if (!known) {
      known = true;
      mean = value;
      variance = 0;
      samples = 1;
      lastNanos = nanos;
      return Outcome.ACCEPTED;
    }
    long elapsed = Math.max(0, nanos - lastNanos);
    double spread = spread();
    double signal = spread * spread;
    double noise = Double.isInfinite(sampleSpread) ? Double.MAX_VALUE : sampleSpread * sampleSpread;
    double deviation = (value - mean) / Math.sqrt(signal + noise);
    if (elapsed <= staleNanos && Math.abs(deviation) > sigmas) {
      int side = deviation > 0 ? 1 : -1;
      if (runLength > 0 && side != runSide) {
        runLength = 0;
      }
      runSide = side;
      run[runLength++] = value;
      if (runLength < run.length) {
        rejected++;
        lastRejectedNanos = nanos;
        return Outcome.REJECTED;
      }
      double sum = 0;
      for (double v : run) {
        sum += v;
      }
      mean = sum / run.length;
      samples = run.length;
      lastNanos = nanos;
      runLength = 0;
      changes++;
      return Outcome.CHANGED;
    }
    // A sample noisier than the spread hardly moves the mean: the mean does not rest on it (its date stays, so
    // whoever waits for a fresh sample still waits), and it does not break a run of outliers.
    boolean informative = noise <= signal;
    if (informative) {
      runLength = 0;
    }
    double timeWeight = Math.max(decay(elapsed, halfLifeNanos), 1.0 / (samples + 1));
    double weight = timeWeight * signal / (signal + noise);
    double spreadWeight = Math.max(decay(elapsed, spreadHalfLifeNanos), 1.0 / (samples + 1)) * signal / (signal + noise);
    double difference = value - mean;
    mean += weight * difference;
    // Of the squared difference, the sample's own variance is its noise, not the signal's spread.
    double squared = noise == 0 ? difference * difference : Math.max(0, difference * difference - noise);
    variance = (1 - spreadWeight) * (variance + spreadWeight * squared);
    samples = Math.min(samples + 1, 1 << 20);
    if (informative) {
      lastNanos = nanos;
    }
    return Outcome.ACCEPTED;
  }

  /**
   * Moves the mean into {@code [lowest, highest]} when it lies outside: a sample proved it wrong, not merely
   * noisy. Counts as a change (the old weight is gone); returns whether it moved. A bound is not a sample
   * of the value, so the mean keeps its date: whoever waits for a fresh sample still waits.
   */
  boolean bound(double lowest, double highest) {
    if (!known || (mean >= lowest && mean <= highest)) {
      return false;
    }
    mean = mean < lowest ? lowest : highest;
    samples = 1;
    runLength = 0;
    changes++;
    return true;
  }

  private static double decay(long elapsedNanos, long halfLifeNanos) {
    return 1 - Math.pow(2, -(double) elapsedNanos / halfLifeNanos);
  }

  boolean known() {
    return known;
  }

  double mean() {
    return mean;
  }

  /** The spread used to judge outliers: the tracked standard deviation, never below the floor. */
  double spread() {
    return Math.max(Math.sqrt(variance), minSpread);
  }

  /** Time of the newest sample the mean rests on. */
  long lastNanos() {
    return lastNanos;
  }

  /** Whether recent samples disagree with the mean and may be the start of a change; a doubt older than the stale age lapses. */
  boolean suspecting(long nowNanos) {
    return runLength > 0 && nowNanos - lastRejectedNanos <= staleNanos;
  }

  long rejected() {
    return rejected;
  }

  long changes() {
    return changes;
  }
}
