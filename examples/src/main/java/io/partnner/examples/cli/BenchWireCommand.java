package io.partnner.examples.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code bench wire}: placeholder until the benchmark lands (owned by its issue work). */
@Command(name = "wire", mixinStandardHelpOptions = true, description = "bench wire")
final class BenchWireCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new CommandFailure("bench wire is not available in this build");
  }
}
