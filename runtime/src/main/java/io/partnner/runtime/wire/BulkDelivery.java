package io.partnner.runtime.wire;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One bulk frame as it arrived: the request it carries, its tensors, and the way back to its sender over the same
 * connection. {@link #acknowledge} says the request was taken on, then {@link #reply} sends its answer; or
 * {@link #refuse} answers it with a reason instead. None of them blocks: acknowledgements and refusals are written by
 * the connection's own writer thread; a reply may be written by the caller (it must not be an actor's thread).
 */
public final class BulkDelivery {
  /** The connection back to a frame's sender. */
  interface Channel {
    /** Must not block. */
    void acknowledge(String token, int queueLength, long meanServiceNanos);

    /** May write on the caller's thread. */
    void reply(String token, byte[] note, Map<String, EncodedTensor> tensors);

    /** Must not block. */
    void refuse(String token, String reason);
  }

  private final String token;
  private final BulkRequest request;
  private final Map<String, EncodedTensor> tensors;
  private final Channel back;
  private final Runnable takenOn;
  private final AtomicBoolean released = new AtomicBoolean();

  /** @param takenOn run once, when the request is first acknowledged, answered or refused */
  BulkDelivery(String token, BulkRequest request, Map<String, EncodedTensor> tensors, Channel back, Runnable takenOn) {
    this.token = Objects.requireNonNull(token, "token");
    this.request = Objects.requireNonNull(request, "request");
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    this.back = Objects.requireNonNull(back, "back");
    this.takenOn = Objects.requireNonNull(takenOn, "takenOn");
  }

  /** What the frame asks. */
  public BulkRequest request() {
    return request;
  }

  /** The tensors, by name, in the order they were sent. */
  public Map<String, EncodedTensor> tensors() {
    return tensors;
  }

  /**
   * Tells the sender the request was taken on, and the receiver's load: requests waiting or in service, and their
   * mean service time. Returns at once.
   */
  public void acknowledge(int queueLength, long meanServiceNanos) {
    release();
    back.acknowledge(token, queueLength, meanServiceNanos);
  }

  /**
   * Sends the request's answer to the sender: {@code note} (the answer without its tensors, at most 64 KiB) and
   * {@code tensors}, whose payloads are written from their own buffers. May write on the calling thread (waiting for
   * the socket), so never call it from an actor.
   */
  public void reply(byte[] note, Map<String, EncodedTensor> tensors) {
    release();
    back.reply(token, note.clone(), tensors);
  }

  /** Answers the request with a refusal for {@code reason}, instead of a reply. Returns at once. */
  public void refuse(String reason) {
    release();
    back.refuse(token, reason);
  }

  private void release() {
    if (released.compareAndSet(false, true)) {
      takenOn.run();
    }
  }
}
