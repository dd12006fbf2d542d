package io.partnner.examples.cli;

import picocli.CommandLine.Command;

/** The top-level command: lists the sub-commands. */
@Command(
    name = "partnner",
    mixinStandardHelpOptions = true,
    version = "partnner 0.1.0",
    description = "Adaptive split inference of a DNN between an edge device and a cloud pool.",
    subcommands = {InspectCommand.class, SplitCommand.class, VerifySplitsCommand.class, ZooCommand.class, BenchCommand.class, NodeCommand.class, ChaosCommand.class, DemoCommand.class})
final class PartnnerCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
