package io.partnner.runtime.wire;

/** A tensor message that cannot be read: the message names what was wrong with it. */
public final class WireFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A malformed message, with the reason. */
  public WireFormatException(String message) {
    super(message);
  }

  /** A malformed message, with the reason and the lower-level failure that revealed it. */
  public WireFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
