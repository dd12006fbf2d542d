package io.partnner.runtime.serve;

/**
 * A request that could not be answered with a result: the message names the request and the reason
 * (overload, invalid input, a failure on every path).
 */
public final class InferenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why the request failed, in a word, for programs: {@code overloaded}, {@code invalid-input}, {@code failed}. */
  private final String kind;

  /** A failure of the given kind. */
  public InferenceException(String kind, String message) {
    super(message);
    this.kind = kind;
  }

  /** {@code overloaded}, {@code invalid-input} or {@code failed}. */
  public String kind() {
    return kind;
  }
}
