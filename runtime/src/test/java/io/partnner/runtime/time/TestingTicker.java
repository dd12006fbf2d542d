package io.partnner.runtime.time;

import java.time.Duration;

/** A ticker and sleeper that only move when told to: sleeping advances it at once. */
public final class TestingTicker implements Ticker, Sleeper {
  private long now;

  /** A ticker at time zero. */
  public TestingTicker() {}

  @Override
  public synchronized long nanos() {
    return now;
  }

  @Override
  public synchronized void sleepNanos(long nanos) {
    if (nanos > 0) {
      now += nanos;
    }
  }

  /** Moves time forward. */
  public synchronized TestingTicker advance(Duration duration) {
    now += duration.toNanos();
    return this;
  }

  /** Moves time forward by nanoseconds. */
  public synchronized TestingTicker advanceNanos(long nanos) {
    now += nanos;
    return this;
  }
}
