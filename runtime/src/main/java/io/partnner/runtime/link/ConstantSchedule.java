package io.partnner.runtime.link;

/** A link direction whose capacity never changes. */
final class ConstantSchedule implements RateSchedule {
  private final double bitsPerSecond;

  ConstantSchedule(double mbps) {
    if (!(mbps > 0) || Double.isInfinite(mbps)) {
      throw new IllegalArgumentException("a constant link needs a positive finite bandwidth, got " + mbps + " Mbit/s");
    }
    this.bitsPerSecond = mbps * 1e6;
  }

  @Override
  public double bitsPerSecondAt(long nanos) {
    return bitsPerSecond;
  }

  @Override
  public long drainedAt(long startNanos, double bits) {
    return Math.addExact(startNanos, RateSchedule.nanosFor(bits, bitsPerSecond));
  }

  @Override
  public String describe() {
    return "constant " + bitsPerSecond / 1e6 + " Mbit/s";
  }
}
