package io.partnner.examples.cli;

/** A command that cannot go on, with the one line to show the user. */
final class CommandFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CommandFailure(String message) {
    super(message);
  }
}
