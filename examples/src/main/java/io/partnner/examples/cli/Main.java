package io.partnner.examples.cli;

import java.io.PrintWriter;
import picocli.CommandLine;

/** Entry point of the {@code partnner} command line. */
public final class Main {
  private Main() {}

  /** Runs one command and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs one command and returns its exit status (0 ok, 1 failed, 2 bad usage). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs one command writing to the given streams (for tests and embedding). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new PartnnerCommand());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(new OneLineErrors());
    return commandLine.execute(args);
  }
}
