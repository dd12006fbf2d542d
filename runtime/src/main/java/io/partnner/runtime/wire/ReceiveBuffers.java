package io.partnner.runtime.wire;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Arrays that received tensor payloads are read into, kept after use so the next payload of a similar
 * size lands in memory that is already mapped and likely still in cache. A node receiving a steady
 * stream of crossings otherwise allocates (and zeroes) a fresh array per message, which costs more
 * than the copy itself for payloads of a few hundred KB.
 *
 * <p>Arrays are grouped in power-of-two size classes; the bytes kept are bounded, and an array given
 * back beyond the bound is simply left to the garbage collector. An array that is never given back is
 * not a leak either: the pool only remembers arrays while they are idle. Thread-safe.
 */
public final class ReceiveBuffers {
  /** Payloads below this are cheap to allocate and are never pooled. */
  static final int MIN_POOLED_BYTES = 16 * 1024;
  /** Payloads above this get an array of their own: a power-of-two class would waste up to as much again. */
  static final int MAX_POOLED_BYTES = 1 << 30;
  private static final int CLASSES = 32;

  private static final ReceiveBuffers NONE = new ReceiveBuffers(0);

  private final long maxIdleBytes;
  private final AtomicLong idleBytes = new AtomicLong();
  private final AtomicLong reused = new AtomicLong();
  private final AtomicLong allocated = new AtomicLong();
  @SuppressWarnings("unchecked")
  private final ConcurrentLinkedDeque<byte[]>[] idle = new ConcurrentLinkedDeque[CLASSES];

  /**
   * A pool keeping at most {@code maxIdleBytes} of idle arrays.
   *
   * @throws IllegalArgumentException when the bound is negative
   */
  public ReceiveBuffers(long maxIdleBytes) {
    if (maxIdleBytes < 0) {
      throw new IllegalArgumentException("maxIdleBytes must not be negative, got " + maxIdleBytes);
    }
    this.maxIdleBytes = maxIdleBytes;
    for (int i = 0; i < CLASSES; i++) {
      idle[i] = new ConcurrentLinkedDeque<>();
    }
  }

  /** A pool that keeps nothing: every payload gets a new array. */
  public static ReceiveBuffers none() {
    return NONE;
  }

  /**
   * An array of at least {@code length} bytes: an idle one of the right size class, else a new one; null
   * when a payload of this size is not pooled (the caller then allocates exactly what it needs).
   */
  byte[] take(int length) {
    if (length < MIN_POOLED_BYTES || length > MAX_POOLED_BYTES || maxIdleBytes == 0) {
      return null;
    }
    int sizeClass = sizeClass(length);
    byte[] array = idle[sizeClass].pollFirst();
    if (array != null) {
      idleBytes.addAndGet(-array.length);
      reused.incrementAndGet();
      return array;
    }
    allocated.incrementAndGet();
    return new byte[1 << sizeClass];
  }

  /** Keeps {@code array} for a later {@link #take} unless that would exceed the bound. */
  void giveBack(byte[] array) {
    int sizeClass = sizeClass(array.length);
    if (array.length != 1 << sizeClass) {
      throw new IllegalArgumentException("an array of " + array.length + " bytes did not come from this pool");
    }
    if (idleBytes.addAndGet(array.length) > maxIdleBytes) {
      idleBytes.addAndGet(-array.length);
      return;
    }
    // Most recently used first: the array the last message used is the one most likely still in cache.
    idle[sizeClass].offerFirst(array);
  }

  /** Bytes held in idle arrays now. */
  public long idleBytes() {
    return idleBytes.get();
  }

  /** How many payloads were read into an array that had been used before. */
  public long reusedCount() {
    return reused.get();
  }

  /** How many arrays this pool allocated because none of the right size was idle. */
  public long allocatedCount() {
    return allocated.get();
  }

  private static int sizeClass(int length) {
    return length <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(length - 1);
  }
}
