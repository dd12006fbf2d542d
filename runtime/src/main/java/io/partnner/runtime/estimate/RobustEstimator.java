package io.partnner.runtime.estimate;

import io.partnner.runtime.time.Ticker;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/*
 * Design. Follows one noisy quantity (a block time, a service time, a queue length) through level
 * changes without being dragged around by outliers.
 *
 * - Level: an EWMA (Roberts 1959). A sample weighs max(alpha, 1/n), n being the samples behind the
 *   current level, so a young level is a plain mean and carries no stale weight.
 * - Scale: an EWMA of absolute residuals (a mean absolute deviation) with its own, slower weight,
 *   seeded from the MAD (Hampel 1974) of the first samples times sqrt(2/pi) / 0.6745 (their ratio for
 *   normal data), and floored (absolutely and relative to the level) so that very regular data does
 *   not make every wobble an outlier.
 * - Outliers: a sample more than k scales from the level is not folded in (the Hampel identifier's
 *   rule, with the EWMA level and scale in place of a window's median and MAD).
 * - Change, a run rule as on Shewhart control charts: each side keeps its outliers since the last
 *   accepted sample (at most 2 x changeRun). When changeRun of them lie within 2k scales of the newest,
 *   the level restarts at their mean, with n = their count. A step wider than k scales is thus adopted
 *   after changeRun observations, plus one per spike among them (spikes do not join the group); a
 *   smaller step lies inside the band and the EWMA absorbs it.
 * - Over a change the scale follows the level in proportion, but grows no further than the old scale
 *   or the group's own MAD. Relearning it from a few samples makes it noisy, and a band too narrow
 *   turns noise into false changes; one too wide (scaled up from a level near zero) hides the next step.
 *
 * Warm-up: the first changeRun samples are all accepted; their median and MAD start level and scale.
 */

/** A robust, recency-weighted online estimate of one quantity, with change detection and age. */
public final class RobustEstimator {
  /** sqrt(2 / pi) / 0.6745: the ratio of mean absolute deviation to MAD for normal data. */
  private static final double MAD_TO_MEAN_ABSOLUTE_DEVIATION = 1.1829;
  /** Larger samples could overflow the sums and medians; no time or queue length comes close. */
  private static final double MAX_MAGNITUDE = 1e300;

  private final Settings settings;
  private final Ticker ticker;
  private final double[] warmUp;
  private final double[] above;
  private final double[] below;
  private int aboveCount;
  private int belowCount;
  private double level;
  private double deviation;
  private long samples;
  /** Accepted samples since the first: the scale carries over a change, so its weight does too. */
  private long scaleSamples;
  private long lastUpdateNanos;
  private boolean changeDetected;

  /** An estimator with no samples yet. */
  public RobustEstimator(Settings settings, Ticker ticker) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.warmUp = new double[settings.changeRun()];
    this.above = new double[2 * settings.changeRun()];
    this.below = new double[2 * settings.changeRun()];
  }

  /**
   * Folds one sample in (unless it is an outlier) and returns the estimate after it.
   *
   * @throws IllegalArgumentException when the sample is not a finite number
   */
  public Estimate observe(double sample) {
    if (!Double.isFinite(sample) || Math.abs(sample) > MAX_MAGNITUDE) {
      throw new IllegalArgumentException("a sample must be a finite number of magnitude at most 1e300, got " + sample);
    }
    long now = ticker.nanos();
    changeDetected = false;
    if (samples < settings.changeRun()) {
      warmUp(sample, now);
      return snapshot(now);
    }
    double residual = sample - level;
    if (Math.abs(residual) <= settings.outlierThreshold() * scale(level, deviation)) {
      accept(residual, now);
    } else {
      countOutlier(sample, residual > 0, now);
    }
    return snapshot(now);
  }

  /** The estimate now, or empty before the first sample. */
  public Optional<Estimate> current() {
    return samples == 0 ? Optional.empty() : Optional.of(snapshot(ticker.nanos()));
  }

  private void warmUp(double sample, long now) {
    int count = (int) samples;
    warmUp[count++] = sample;
    samples = count;
    scaleSamples = count;
    level = median(warmUp, count);
    deviation = madScale(warmUp, count, level);
    lastUpdateNanos = now;
  }

  private void accept(double residual, long now) {
    samples++;
    scaleSamples++;
    level += Math.max(settings.alpha(), 1.0 / samples) * residual;
    deviation += Math.max(settings.deviationAlpha(), 1.0 / scaleSamples) * (Math.abs(residual) - deviation);
    lastUpdateNanos = now;
    aboveCount = 0;
    belowCount = 0;
  }

  private void countOutlier(double sample, boolean isAbove, long now) {
    double[] run = isAbove ? above : below;
    int count = isAbove ? aboveCount : belowCount;
    if (count == run.length) {
      System.arraycopy(run, 1, run, 0, count - 1);
      count--;
    }
    run[count++] = sample;
    if (isAbove) {
      aboveCount = count;
    } else {
      belowCount = count;
    }
    // Spikes lie far from the regular samples of a new level, so only the outliers close to the newest
    // one (within twice the outlier band, at the scale carried over) count towards a change.
    double relativeDeviation = level == 0 ? 0 : deviation / Math.abs(level);
    double limit = 2 * settings.outlierThreshold() * scale(sample, relativeDeviation * Math.abs(sample));
    double[] group = new double[count];
    int agreeing = 0;
    double sum = 0;
    for (int i = 0; i < count; i++) {
      if (Math.abs(run[i] - sample) <= limit) {
        group[agreeing++] = run[i];
        sum += run[i];
      }
    }
    if (agreeing < settings.changeRun()) {
      return;
    }
    level = sum / agreeing;
    // In proportion, as timing noise is; but relative to a level near zero (an empty queue) any
    // deviation is huge, hence the cap.
    deviation = Math.min(
        relativeDeviation * Math.abs(level), Math.max(deviation, madScale(group, agreeing, level)));
    samples = agreeing;
    lastUpdateNanos = now;
    changeDetected = true;
    aboveCount = 0;
    belowCount = 0;
  }

  private double scale(double around, double meanAbsoluteDeviation) {
    return Math.max(
        meanAbsoluteDeviation,
        Math.max(settings.minDeviation(), settings.minRelativeDeviation() * Math.abs(around)));
  }

  private Estimate snapshot(long now) {
    return new Estimate(level, deviation, samples, lastUpdateNanos, Math.max(0, now - lastUpdateNanos), changeDetected);
  }

  private static double median(double[] values, int count) {
    double[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    int middle = count / 2;
    return count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  private static double madScale(double[] values, int count, double center) {
    double[] residuals = new double[count];
    for (int i = 0; i < count; i++) {
      residuals[i] = Math.abs(values[i] - center);
    }
    return MAD_TO_MEAN_ABSOLUTE_DEVIATION * median(residuals, count);
  }

  /**
   * Tuning of a {@link RobustEstimator}.
   *
   * @param alpha weight of a new sample in the level once the level has enough samples (0..1]
   * @param deviationAlpha weight of a new residual in the scale (0..1]; smaller than alpha, since a
   *     scale needs more samples than a level to be as steady, and it carries over level changes
   * @param outlierThreshold how many scales from the level a sample may be before it is an outlier
   * @param changeRun agreeing same-side outliers that make a level change; also the warm-up length
   * @param minRelativeDeviation floor of the scale as a share of the level's magnitude
   * @param minDeviation absolute floor of the scale, in the quantity's unit
   */
  public record Settings(
      double alpha,
      double deviationAlpha,
      double outlierThreshold,
      int changeRun,
      double minRelativeDeviation,
      double minDeviation) {
    /**
     * Defaults for timings: a level with about 19 samples' memory and a scale with about 79, outliers
     * beyond 3.5 mean absolute deviations (about 2.8 standard deviations of normal noise), a change
     * after 4 agreeing outliers on one side, and jitter within 17.5% of the level never an outlier.
     * Under 10% lognormal noise with 2% spikes at 5x they adopt a x2 or x0.5 step at the 4th
     * observation in about 92% of steps and by the 5th in about 99%.
     */
    public static final Settings DEFAULT = new Settings(0.1, 0.025, 3.5, 4, 0.05, 0.0);

    public Settings {
      checkWeight("alpha", alpha);
      checkWeight("deviationAlpha", deviationAlpha);
      if (!(outlierThreshold > 0) || Double.isInfinite(outlierThreshold)) {
        throw new IllegalArgumentException("outlierThreshold must be positive and finite, got " + outlierThreshold);
      }
      if (changeRun < 2) {
        throw new IllegalArgumentException(
            "changeRun must be at least 2, or every outlier would be a change; got " + changeRun);
      }
      if (!(minRelativeDeviation >= 0) || Double.isInfinite(minRelativeDeviation)) {
        throw new IllegalArgumentException(
            "minRelativeDeviation must be non-negative and finite, got " + minRelativeDeviation);
      }
      if (!(minDeviation >= 0) || Double.isInfinite(minDeviation)) {
        throw new IllegalArgumentException("minDeviation must be non-negative and finite, got " + minDeviation);
      }
    }

    /** These settings with another absolute floor of the scale. */
    public Settings withMinDeviation(double newMinDeviation) {
      return new Settings(
          alpha, deviationAlpha, outlierThreshold, changeRun, minRelativeDeviation, newMinDeviation);
    }

    private static void checkWeight(String name, double weight) {
      if (!(weight > 0 && weight <= 1)) {
        throw new IllegalArgumentException(name + " must be in (0, 1], got " + weight);
      }
    }
  }
}
