package io.partnner.runtime.wire;

import io.partnner.runtime.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Where a node's bulk lane keeps the tensors it received until the executor they are for claims them by token.
 * The bytes and the request travel separately (bytes on the lane, the request over Artery), so either may come
 * first: tensors that arrive wait for their claim, a claim that comes first waits for its tensors.
 *
 * <p>Bounded in bytes: a frame's payload bytes are reserved before they are read, and a frame over the limit is
 * refused (its claim then fails at once with the reason). Bounded in time: unclaimed tensors are dropped after
 * {@code ttl}, and a claim whose tensors do not come within {@code claimWait} fails; {@link #expire} applies both
 * (the receiver calls it periodically). Bounded in entries: at most {@code maxEntries} tokens are tracked.
 * Thread-safe; claims complete outside the lock, on the thread that delivered or expired them.
 */
public final class BulkInbox {
  private enum State { RECEIVING, ARRIVED, REFUSED, WAITING }

  private static final class Slot {
    State state;
    long bytes;
    long deadlineNanos;
    BulkDelivery delivery;
    String reason;
    CompletableFuture<BulkDelivery> claim;
  }

  private final long maxHeldBytes;
  private final int maxEntries;
  private final long ttlNanos;
  private final long claimWaitNanos;
  private final Ticker ticker;
  private final Map<String, Slot> slots = new LinkedHashMap<>();
  private long heldBytes;

  /**
   * An inbox holding at most {@code maxHeldBytes} for at most {@code ttl}, tracking at most {@code maxEntries}
   * tokens, whose claims wait at most {@code claimWait} for their tensors.
   */
  public BulkInbox(long maxHeldBytes, int maxEntries, Duration ttl, Duration claimWait, Ticker ticker) {
    if (maxHeldBytes < 1 || maxEntries < 1 || ttl.isNegative() || ttl.isZero() || claimWait.isNegative()
        || claimWait.isZero()) {
      throw new IllegalArgumentException("bulk inbox needs positive limits, got " + maxHeldBytes + " bytes, "
          + maxEntries + " entries, ttl " + ttl + ", claim wait " + claimWait);
    }
    this.maxHeldBytes = maxHeldBytes;
    this.maxEntries = maxEntries;
    this.ttlNanos = ttl.toNanos();
    this.claimWaitNanos = claimWait.toNanos();
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /**
   * Reserves {@code bytes} for a frame under {@code token} about to be read.
   *
   * @return null when the frame may be read, else why it is refused (its claim will fail with that reason)
   */
  public String reserve(String token, long bytes) {
    List<Runnable> after = new ArrayList<>();
    String refusal;
    synchronized (this) {
      expire(after);
      Slot slot = slots.get(token);
      if (slot != null && slot.state != State.WAITING) {
        refusal = "bulk token " + token + " was already used";
      } else if (heldBytes + bytes > maxHeldBytes) {
        refusal = "bulk inbox is full: " + heldBytes + " bytes held, " + bytes + " more would pass the limit of "
            + maxHeldBytes + " (partnner.bulk.max-held)";
      } else if (slot == null && slots.size() >= maxEntries) {
        refusal = "bulk inbox tracks " + slots.size() + " tokens, its limit";
      } else {
        refusal = null;
        if (slot == null) {
          slot = new Slot();
          slots.put(token, slot);
        }
        slot.state = State.RECEIVING;
        slot.bytes = bytes;
        slot.deadlineNanos = ticker.nanos() + ttlNanos;
        heldBytes += bytes;
      }
      // A waiting claim learns the refusal now, a later one at once; a token already used keeps its tensors.
      if (refusal != null && (slot != null ? slot.state == State.WAITING : slots.size() < maxEntries)) {
        refuse(token, slot, refusal, after);
      }
    }
    after.forEach(Runnable::run);
    return refusal;
  }

  /** The tensors of a frame reserved under {@code token} have been read. */
  public void arrived(String token, BulkDelivery delivery) {
    CompletableFuture<BulkDelivery> claim = null;
    synchronized (this) {
      Slot slot = slots.get(token);
      if (slot == null || slot.state != State.RECEIVING) {
        return;
      }
      if (slot.claim != null) {
        claim = slot.claim;
        heldBytes -= slot.bytes;
        slots.remove(token);
      } else {
        slot.state = State.ARRIVED;
        slot.delivery = delivery;
        slot.deadlineNanos = ticker.nanos() + ttlNanos;
      }
    }
    if (claim != null) {
      claim.complete(delivery);
    }
  }

  /** The frame under {@code token} could not be read; its claim fails with {@code reason}. */
  public void failed(String token, String reason) {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      Slot slot = slots.get(token);
      if (slot != null && (slot.state == State.ARRIVED || slot.state == State.REFUSED)) {
        return;
      }
      if (slot != null && slot.state == State.RECEIVING) {
        heldBytes -= slot.bytes;
        slot.bytes = 0;
      }
      if (slot != null || slots.size() < maxEntries) {
        refuse(token, slot, reason, after);
      }
    }
    after.forEach(Runnable::run);
  }

  /**
   * The delivery sent under {@code token}: at once if it is here, when it arrives otherwise. Fails with a
   * {@link WireFormatException} naming the token and the reason: their frame was refused or broken, they did not
   * come within the claim wait, or the token was claimed already.
   */
  public CompletableFuture<BulkDelivery> claim(String token) {
    synchronized (this) {
      Slot slot = slots.get(token);
      if (slot == null) {
        if (slots.size() >= maxEntries) {
          return CompletableFuture.failedFuture(new WireFormatException("bulk inbox tracks " + slots.size()
              + " tokens, its limit; request with token " + token + " refused"));
        }
        slot = new Slot();
        slot.state = State.WAITING;
        slot.deadlineNanos = ticker.nanos() + claimWaitNanos;
        slot.claim = new CompletableFuture<>();
        slots.put(token, slot);
        return slot.claim;
      }
      switch (slot.state) {
        case ARRIVED -> {
          slots.remove(token);
          heldBytes -= slot.bytes;
          return CompletableFuture.completedFuture(slot.delivery);
        }
        case REFUSED -> {
          slots.remove(token);
          return CompletableFuture.failedFuture(new WireFormatException(slot.reason));
        }
        default -> {
          if (slot.claim != null) {
            return CompletableFuture.failedFuture(new WireFormatException("bulk token " + token
                + " was claimed already"));
          }
          slot.claim = new CompletableFuture<>();
          return slot.claim;
        }
      }
    }
  }

  /** Drops what outlived its time: unclaimed tensors and refusals after the ttl; claims fail after the wait. */
  public void expire() {
    List<Runnable> after = new ArrayList<>();
    synchronized (this) {
      expire(after);
    }
    after.forEach(Runnable::run);
  }

  /** Bytes reserved or held now. */
  public synchronized long heldBytes() {
    return heldBytes;
  }

  /** Tokens tracked now: frames being read or waiting for their claim, claims waiting, refusals not yet claimed. */
  public synchronized int entries() {
    return slots.size();
  }

  private void expire(List<Runnable> after) {
    long now = ticker.nanos();
    for (Iterator<Map.Entry<String, Slot>> it = slots.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Slot> entry = it.next();
      Slot slot = entry.getValue();
      if (slot.deadlineNanos > now) {
        continue;
      }
      it.remove();
      heldBytes -= slot.bytes;
      if (slot.claim != null) {
        CompletableFuture<BulkDelivery> claim = slot.claim;
        String reason = slot.state == State.WAITING
            ? "no tensors arrived on the bulk lane under token " + entry.getKey() + " within "
                + claimWaitNanos / 1_000_000 + " ms"
            : "the tensors under bulk token " + entry.getKey() + " did not finish arriving within "
                + ttlNanos / 1_000_000 + " ms";
        after.add(() -> claim.completeExceptionally(new WireFormatException(reason)));
      }
    }
  }

  /** Marks {@code token} refused for {@code reason}: a waiting claim fails now, a later one fails at once. */
  private void refuse(String token, Slot slot, String reason, List<Runnable> after) {
    if (slot != null && slot.claim != null) {
      CompletableFuture<BulkDelivery> claim = slot.claim;
      slots.remove(token);
      after.add(() -> claim.completeExceptionally(new WireFormatException(reason)));
      return;
    }
    Slot refused = slot != null ? slot : new Slot();
    refused.state = State.REFUSED;
    refused.reason = reason;
    refused.bytes = 0;
    refused.deadlineNanos = ticker.nanos() + ttlNanos;
    slots.put(token, refused);
  }
}
