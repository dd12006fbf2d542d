package io.partnner.examples.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code bench link}: placeholder until the benchmark lands (owned by its issue work). */
@Command(name = "link", mixinStandardHelpOptions = true, description = "bench link")
final class BenchLinkCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new CommandFailure("bench link is not available in this build");
  }
}
