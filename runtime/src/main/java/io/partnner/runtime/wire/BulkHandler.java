package io.partnner.runtime.wire;

/**
 * Takes the frames a node's {@link BulkReceiver} gets for one model: registered with
 * {@link BulkReceiver#register}, called on the connection's reading thread, so it must hand the delivery on and
 * return at once (an actor: tell it a message).
 */
@FunctionalInterface
public interface BulkHandler {
  /** The frame {@code delivery} arrived; exactly one of its answers (reply or refusal) must follow, in time. */
  void handle(BulkDelivery delivery);
}
