package io.partnner.models;

/**
 * A model, file, cut or input that cannot be used, with a message that names the thing and says
 * why. Callers at the edge of the system print the message as one line; it is never only a trace.
 */
public final class ModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error with a message naming the thing and the reason. */
  public ModelException(String message) {
    super(message);
  }

  /** The same, keeping the underlying cause for logs. */
  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
