package io.partnner.runtime.wire;

import io.partnner.runtime.time.Ticker;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a node's bulk lane holds: the bytes of frames being read, and of frames handed to their executor that it has
 * not taken on yet (acknowledged or refused). A frame's payload bytes are reserved before they are read, and a frame
 * over the limit is refused with the reason.
 *
 * <p>Bounded in bytes ({@code maxHeldBytes}), in entries ({@code maxEntries} tokens at once) and in time: a frame not
 * taken on within {@code ttl} of its reservation no longer counts (its executor is gone or stuck; the sender's own
 * timeouts answer for it); {@link #expire} applies that, and the receiver calls it periodically. Thread-safe.
 */
public final class BulkInbox {
  private static final class Slot {
    final long bytes;
    final long deadlineNanos;

    Slot(long bytes, long deadlineNanos) {
      this.bytes = bytes;
      this.deadlineNanos = deadlineNanos;
    }
  }

  private final long maxHeldBytes;
  private final int maxEntries;
  private final long ttlNanos;
  private final Ticker ticker;
  private final Map<String, Slot> slots = new LinkedHashMap<>();
  private long heldBytes;

  /** An inbox holding at most {@code maxHeldBytes} for at most {@code ttl}, tracking at most {@code maxEntries} tokens. */
  public BulkInbox(long maxHeldBytes, int maxEntries, Duration ttl, Ticker ticker) {
    if (maxHeldBytes < 1 || maxEntries < 1 || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("bulk inbox needs positive limits, got " + maxHeldBytes + " bytes, "
          + maxEntries + " entries, ttl " + ttl);
    }
    this.maxHeldBytes = maxHeldBytes;
    this.maxEntries = maxEntries;
    this.ttlNanos = ttl.toNanos();
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /**
   * Reserves {@code bytes} for a frame under {@code token} about to be read.
   *
   * @return null when the frame may be read, else why it is refused
   */
  public synchronized String reserve(String token, long bytes) {
    expireLocked();
    if (slots.containsKey(token)) {
      return "bulk token " + token + " is in use";
    }
    if (heldBytes + bytes > maxHeldBytes) {
      return "bulk inbox is full: " + heldBytes + " bytes held, " + bytes + " more would pass the limit of "
          + maxHeldBytes + " (partnner.bulk.max-held)";
    }
    if (slots.size() >= maxEntries) {
      return "bulk inbox tracks " + slots.size() + " frames, its limit";
    }
    slots.put(token, new Slot(bytes, ticker.nanos() + ttlNanos));
    heldBytes += bytes;
    return null;
  }

  /** The frame under {@code token} was taken on, refused or could not be read: its bytes no longer count. */
  public synchronized void release(String token) {
    Slot slot = slots.remove(token);
    if (slot != null) {
      heldBytes -= slot.bytes;
    }
  }

  /** Stops counting frames reserved longer than the ttl ago. */
  public synchronized void expire() {
    expireLocked();
  }

  /** Bytes reserved now. */
  public synchronized long heldBytes() {
    return heldBytes;
  }

  /** Frames counted now. */
  public synchronized int entries() {
    return slots.size();
  }

  private void expireLocked() {
    long now = ticker.nanos();
    for (Iterator<Slot> it = slots.values().iterator(); it.hasNext(); ) {
      Slot slot = it.next();
      if (slot.deadlineNanos - now <= 0) {
        it.remove();
        heldBytes -= slot.bytes;
      }
    }
  }
}
