package io.partnner.runtime.estimate;

import java.util.Random;

/** Seeded measurement noise: lognormal jitter around the truth, plus a share of gross outliers. */
final class TestingNoise {
  private final Random random;
  private final double spread;
  private final double outlierShare;
  private final double outlierFactor;

  /**
   * @param spread standard deviation of the log of the jitter factor (0.1 is about 10%)
   * @param outlierShare share of samples multiplied by {@code outlierFactor}
   */
  TestingNoise(long seed, double spread, double outlierShare, double outlierFactor) {
    this.random = new Random(seed);
    this.spread = spread;
    this.outlierShare = outlierShare;
    this.outlierFactor = outlierFactor;
  }

  /** 10% lognormal jitter with 2% outliers at 5x, the mix the estimators are specified against. */
  static TestingNoise typical(long seed) {
    return new TestingNoise(seed, 0.10, 0.02, 5.0);
  }

  double around(double truth) {
    double sample = truth * Math.exp(spread * random.nextGaussian());
    return random.nextDouble() < outlierShare ? sample * outlierFactor : sample;
  }

  long nanosAround(double truth) {
    return Math.round(around(truth));
  }

  double uniform(double from, double to) {
    return from + (to - from) * random.nextDouble();
  }
}
