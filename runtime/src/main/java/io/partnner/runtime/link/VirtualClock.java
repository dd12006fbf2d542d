package io.partnner.runtime.link;

import io.partnner.runtime.time.Ticker;

/** Virtual time for runs that replay a trace in seconds rather than minutes: it only moves when set. */
final class VirtualClock implements Ticker {
  private long now;

  @Override
  public long nanos() {
    return now;
  }

  void set(long nanos) {
    if (nanos < now) {
      throw new IllegalStateException("virtual time cannot go back from " + now + " to " + nanos + " ns");
    }
    now = nanos;
  }
}
