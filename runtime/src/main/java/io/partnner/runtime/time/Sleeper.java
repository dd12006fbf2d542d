package io.partnner.runtime.time;

import java.util.concurrent.locks.LockSupport;

/** Waits for a duration; injected so that emulated delays cost nothing in tests. */
@FunctionalInterface
public interface Sleeper {
  /** Blocks the calling thread for about {@code nanos} nanoseconds. */
  void sleepNanos(long nanos);

  /** Parks the calling thread until the time has passed. */
  static Sleeper system() {
    return nanos -> {
      long deadline = System.nanoTime() + nanos;
      for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
        LockSupport.parkNanos(left);
      }
    };
  }
}
