package io.partnner.runtime.sim;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * When requests start: one after another (each when the previous one is answered, after a think time),
 * at a fixed interval, or as a Poisson process. Under the open processes requests may overlap, and then
 * they queue for the edge, the link and the cloud executor like real ones.
 */
public final class Arrivals {
  private enum Kind { CLOSED_LOOP, PERIODIC, POISSON }

  private final Kind kind;
  private final long nanos;

  private Arrivals(Kind kind, Duration duration) {
    if (duration.isNegative() || (kind != Kind.CLOSED_LOOP && duration.isZero())) {
      throw new IllegalArgumentException("arrival interval must be positive (think time >= 0), got " + duration);
    }
    this.kind = kind;
    this.nanos = duration.toNanos();
  }

  /** Each request starts {@code think} after the previous one was answered. */
  public static Arrivals closedLoop(Duration think) {
    return new Arrivals(Kind.CLOSED_LOOP, think);
  }

  /** A request every {@code interval}, the first at time zero. */
  public static Arrivals periodic(Duration interval) {
    return new Arrivals(Kind.PERIODIC, interval);
  }

  /** Exponential gaps with mean {@code meanInterval}, the first at time zero. */
  public static Arrivals poisson(Duration meanInterval) {
    return new Arrivals(Kind.POISSON, meanInterval);
  }

  /** True when the next request waits for the previous answer. */
  boolean closedLoop() {
    return kind == Kind.CLOSED_LOOP;
  }

  /** The gap before the next request: after an answer (closed loop) or after the previous start. */
  long nextGap(SplittableRandom random) {
    return switch (kind) {
      case CLOSED_LOOP, PERIODIC -> nanos;
      case POISSON -> Math.round(-Math.log(1 - random.nextDouble()) * nanos);
    };
  }

  @Override
  public String toString() {
    return switch (kind) {
      case CLOSED_LOOP -> "closed loop, think " + nanos / 1e6 + " ms";
      case PERIODIC -> "every " + nanos / 1e6 + " ms";
      case POISSON -> "Poisson, mean gap " + nanos / 1e6 + " ms";
    };
  }
}
