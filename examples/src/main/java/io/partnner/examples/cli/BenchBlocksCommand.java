package io.partnner.examples.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code bench blocks}: placeholder until the benchmark lands (owned by its issue work). */
@Command(name = "blocks", mixinStandardHelpOptions = true, description = "bench blocks")
final class BenchBlocksCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw new CommandFailure("bench blocks is not available in this build");
  }
}
