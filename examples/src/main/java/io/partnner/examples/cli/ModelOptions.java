package io.partnner.examples.cli;

import io.partnner.models.InputShapes;
import io.partnner.models.OnnxModel;
import io.partnner.models.PartitionedModel;
import io.partnner.models.zoo.ModelZoo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The MODEL argument and {@code --input-shape}, shared by the commands that read a model. */
final class ModelOptions {
  @Parameters(index = "0", paramLabel = "MODEL", description = "an .onnx file, or zoo:NAME (zoo:NAME@SCALE for a smaller variant)")
  String model;

  @Option(names = "--input-shape", paramLabel = "NAME=DIMS", description = "fix an input's symbolic dimensions, e.g. x=1x3x48x192 (repeatable)")
  List<String> inputShapes = new ArrayList<>();

  OnnxModel load() {
    return resolve(model);
  }

  PartitionedModel analyze() {
    return PartitionedModel.analyze(load(), InputShapes.parse(inputShapes));
  }

  static OnnxModel resolve(String spec) {
    if (spec.startsWith("zoo:")) {
      String rest = spec.substring(4);
      double scale = 1.0;
      int at = rest.indexOf('@');
      if (at >= 0) {
        try {
          scale = Double.parseDouble(rest.substring(at + 1));
        } catch (NumberFormatException e) {
          throw new CommandFailure("model " + spec + ": scale '" + rest.substring(at + 1) + "' is not a number");
        }
        rest = rest.substring(0, at);
      }
      String name = scale == 1.0 ? rest : rest + "@" + scale;
      return OnnxModel.of(name, ModelZoo.build(rest, scale));
    }
    return OnnxModel.load(Path.of(spec));
  }
}
