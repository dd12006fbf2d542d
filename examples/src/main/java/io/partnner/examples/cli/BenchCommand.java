package io.partnner.examples.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bench}: the measurements of DESIGN section 10. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks: wire, transfer, link, blocks, sim, planner, overhead, live.",
    subcommands = {BenchWireCommand.class, BenchTransferCommand.class, BenchLinkCommand.class, BenchBlocksCommand.class,
        BenchSimCommand.class, BenchPlannerCommand.class, BenchOverheadCommand.class, BenchLiveCommand.class})
final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
