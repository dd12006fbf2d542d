package io.partnner.examples.cli;

import io.partnner.models.OnnxModel;
import io.partnner.models.zoo.ModelZoo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code zoo list} and {@code zoo export}: the built-in models. */
@Command(name = "zoo", mixinStandardHelpOptions = true, description = "The built-in models (seeded weights).",
    subcommands = {ZooCommand.ListModels.class, ZooCommand.Export.class})
final class ZooCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the zoo models.")
  static final class ListModels implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      for (String name : ModelZoo.names()) {
        out.printf("%-18s %s%n", name, ModelZoo.describe(name));
      }
      out.flush();
      return 0;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true, description = "Write a zoo model as an .onnx file.")
  static final class Export implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME") String name;

    @Option(names = "--scale", paramLabel = "S", description = "width and resolution factor in (0,1], default 1 (full size)")
    double scale = 1.0;

    @Option(names = "--out", required = true, paramLabel = "FILE") Path out;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      var proto = ModelZoo.build(name, scale);
      OnnxModel.of(name, proto).write(out);
      spec.commandLine().getOut().printf("wrote %s: %s, %,d parameters%n", out, name, ModelZoo.parameterCount(proto));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
