package io.partnner.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/** Runs a command as the launcher would and hands back its output lines, failing the test unless it succeeded. */
final class CommandRun {
  private CommandRun() {}

  static List<String> lines(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertThat(status).as(out + "\n" + err).isZero();
    return out.toString().strip().lines().toList();
  }
}
