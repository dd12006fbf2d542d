package io.partnner.examples.cli;

import io.partnner.models.ModelException;
import picocli.CommandLine;

/** Turns a failed command into one clear line on stderr; only unexpected failures show a trace. */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    if (e instanceof ModelException || e instanceof IllegalArgumentException || e instanceof CommandFailure) {
      commandLine.getErr().println("partnner " + commandLine.getCommandName() + ": error: " + e.getMessage());
      return 1;
    }
    commandLine.getErr().println("partnner " + commandLine.getCommandName() + ": internal error: " + e);
    e.printStackTrace(commandLine.getErr());
    return 3;
  }
}
