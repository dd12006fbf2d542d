package io.partnner.runtime.sim;

/**
 * From {@code atNanos} after the start of a run on, {@code queuedRequests} other requests wait ahead
 * of every request at the cloud executor (until the next step).
 */
public record LoadStep(long atNanos, int queuedRequests) {
  /** Checks the values. */
  public LoadStep {
    if (atNanos < 0 || queuedRequests < 0) {
      throw new IllegalArgumentException("a load step needs a time >= 0 and a queue >= 0, got " + atNanos + " ns and "
          + queuedRequests + " requests");
    }
  }
}
