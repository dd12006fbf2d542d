package io.partnner.runtime.link;

/** The capacity of one direction of an emulated link over time, from its origin. */
interface RateSchedule {
  /** Capacity in bit/s at {@code nanos} after the origin. */
  double bitsPerSecondAt(long nanos);

  /**
   * When {@code bits} sent from {@code startNanos} on have all left the sender, integrating the
   * capacity across its steps.
   *
   * @throws IllegalStateException when the capacity stays at zero for ever so the bits never leave
   */
  long drainedAt(long startNanos, double bits);

  /** One line for logs and tables. */
  String describe();

  static long nanosFor(double bits, double bitsPerSecond) {
    double nanos = bits / bitsPerSecond * 1e9;
    if (nanos >= Long.MAX_VALUE) {
      throw new IllegalStateException(bits + " bits at " + bitsPerSecond + " bit/s take longer than a long of nanoseconds");
    }
    return Math.round(nanos);
  }
}
