package io.partnner.runtime.wire;

import java.util.Map;
import java.util.Objects;

/**
 * The tensors one bulk frame brought, and the way back to its sender: {@link #acknowledge} tells the sender, over
 * the same connection, that the request they belong to was taken on (with the receiver's load at that moment).
 */
public final class BulkDelivery {
  /** Sends an acknowledgement for a token back to the frame's sender; must not block. */
  @FunctionalInterface
  interface Acknowledger {
    void acknowledge(String token, int queueLength, long meanServiceNanos);
  }

  private final String token;
  private final Map<String, EncodedTensor> tensors;
  private final Acknowledger acknowledger;

  BulkDelivery(String token, Map<String, EncodedTensor> tensors, Acknowledger acknowledger) {
    this.token = Objects.requireNonNull(token, "token");
    this.tensors = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(tensors));
    this.acknowledger = Objects.requireNonNull(acknowledger, "acknowledger");
  }

  /** The tensors, by name, in the order they were sent. */
  public Map<String, EncodedTensor> tensors() {
    return tensors;
  }

  /**
   * Tells the sender the request was taken on, and the receiver's load: requests waiting or in service, and their
   * mean service time. Returns at once; the acknowledgement is written on a thread of the receiver's.
   */
  public void acknowledge(int queueLength, long meanServiceNanos) {
    acknowledger.acknowledge(token, queueLength, meanServiceNanos);
  }
}
