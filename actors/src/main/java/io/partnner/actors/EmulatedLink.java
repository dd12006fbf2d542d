package io.partnner.actors;

import io.partnner.runtime.link.DelayLine;
import io.partnner.runtime.link.Direction;
import io.partnner.runtime.link.LinkEmulator;
import io.partnner.runtime.link.Transfer;

/**
 * The edge's end of the edge-cloud path. With an emulator (DESIGN section 7, an emulation) every message
 * is held until its transfer would have completed on the emulated link: half the round trip plus its bytes
 * over the bandwidth of the moment, behind earlier transfers in the same direction; without one, messages
 * go at once. Nothing here reports what it did: the monitors only see when replies arrive.
 */
final class EmulatedLink implements AutoCloseable {
  private final LinkEmulator emulator;
  private final DelayLine up;
  private final DelayLine down;

  private EmulatedLink(LinkEmulator emulator) {
    this.emulator = emulator;
    this.up = emulator == null ? null : new DelayLine("partnner-link-up");
    this.down = emulator == null ? null : new DelayLine("partnner-link-down");
  }

  /** A path with no emulation: the real network (loopback on one machine) as it is. */
  static EmulatedLink none() {
    return new EmulatedLink(null);
  }

  /** A path shaped by {@code emulator}. */
  static EmulatedLink of(LinkEmulator emulator) {
    return new EmulatedLink(emulator);
  }

  /** Sends {@code bytes} towards the cloud: {@code send} runs when the emulated transfer completes. */
  void up(long bytes, Runnable send) {
    pass(Direction.UP, up, bytes, send);
  }

  /** Delivers {@code bytes} that arrived from the cloud once the emulated transfer completes. */
  void down(long bytes, Runnable deliver) {
    pass(Direction.DOWN, down, bytes, deliver);
  }

  /** True when transfers are held for an emulated link; false when messages go at once. */
  boolean emulated() {
    return emulator != null;
  }

  /** Starts an emulated outage of {@code length} now; false when the link is not emulated. */
  boolean outage(java.time.Duration length) {
    if (emulator == null) {
      return false;
    }
    long now = System.nanoTime();
    emulator.outage(now, now + length.toNanos());
    return true;
  }

  private void pass(Direction direction, DelayLine line, long bytes, Runnable action) {
    if (emulator == null) {
      action.run();
      return;
    }
    Transfer transfer = emulator.schedule(direction, bytes);
    line.at(transfer.finishNanos(), action);
  }

  @Override
  public void close() {
    if (emulator != null) {
      up.close();
      down.close();
    }
  }

  @Override
  public String toString() {
    return emulator == null ? "no emulation" : "emulated " + emulator;
  }
}
