package io.partnner.runtime.time;

/** A source of monotonic nanoseconds; injected so that time-dependent logic is testable. */
@FunctionalInterface
public interface Ticker {
  /** Nanoseconds since an arbitrary origin; only differences mean anything. */
  long nanos();

  /** The JVM's monotonic clock. */
  static Ticker system() {
    return System::nanoTime;
  }
}
