package io.partnner.runtime.wire;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The tensors one bulk frame brought, and the way back to its sender over the same connection: {@link #acknowledge}
 * says the request they belong to was taken on, {@link #reply} sends its answer. Both return at once; the receiver
 * writes them, in the order they were asked for, on a thread of its own.
 */
public final class BulkDelivery {
  /** The connection back to a frame's sender; must not block. */
  interface Channel {
    void acknowledge(String token, int queueLength, long meanServiceNanos);

    void reply(String token, byte[] note, Map<String, EncodedTensor> tensors);
  }

  private final String token;
  private final Map<String, EncodedTensor> tensors;
  private final Channel back;

  BulkDelivery(String token, Map<String, EncodedTensor> tensors, Channel back) {
    this.token = Objects.requireNonNull(token, "token");
    this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    this.back = Objects.requireNonNull(back, "back");
  }

  /** The tensors, by name, in the order they were sent. */
  public Map<String, EncodedTensor> tensors() {
    return tensors;
  }

  /** Tells the sender the request was taken on, and the receiver's load: requests waiting or in service, and their mean service time. */
  public void acknowledge(int queueLength, long meanServiceNanos) {
    back.acknowledge(token, queueLength, meanServiceNanos);
  }

  /**
   * Sends the request's answer to the sender: {@code note} (the answer without its tensors, at most 64 KiB) and
   * {@code tensors}, whose payloads are written from their own buffers.
   */
  public void reply(byte[] note, Map<String, EncodedTensor> tensors) {
    back.reply(token, note.clone(), tensors);
  }
}
