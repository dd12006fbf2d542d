package io.partnner.runtime.wire;

/** The node a bulk frame went to refused its request; the message is the node's reason. */
public final class BulkRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A refusal, with the receiver's reason. */
  public BulkRefusedException(String reason) {
    super(reason);
  }
}
