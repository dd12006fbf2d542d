package io.partnner.runtime.link;

/**
 * When an emulated transfer happens: handed to the link at {@code submittedNanos}, first byte on the
 * wire at {@code startNanos} (later when it queued behind earlier transfers in the same direction),
 * last byte delivered at the far end at {@code finishNanos}. Times are on the emulator's ticker.
 */
public record Transfer(Direction direction, long bytes, long submittedNanos, long startNanos, long finishNanos) {
  /** Checks the times are in order. */
  public Transfer {
    if (direction == null || bytes < 0 || startNanos < submittedNanos || finishNanos < startNanos) {
      throw new IllegalArgumentException("inconsistent transfer: " + direction + " " + bytes + " bytes submitted "
          + submittedNanos + " started " + startNanos + " finished " + finishNanos);
    }
  }

  /** Time spent waiting behind earlier transfers. */
  public long queuedNanos() {
    return startNanos - submittedNanos;
  }

  /** Time from submission to delivery. */
  public long latencyNanos() {
    return finishNanos - submittedNanos;
  }
}
