package io.partnner.examples.cli;

import io.partnner.models.PartitionedModel;
import io.partnner.runtime.model.CutPoint;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code split MODEL --cut K --out DIR}: writes head.onnx and tail.onnx. */
@Command(name = "split", mixinStandardHelpOptions = true, description = "Write head.onnx and tail.onnx for one candidate cut.")
final class SplitCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(names = "--cut", required = true, paramLabel = "K", description = "candidate cut index (see inspect)")
  int cut;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory to write into (created if missing)")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PartitionedModel analysed = model.analyze();
    int last = analysed.profile().cuts().size() - 1;
    if (cut < 0 || cut > last) {
      throw new CommandFailure("cut " + cut + " is out of range: model " + analysed.model().name() + " has cuts 0.." + last);
    }
    try {
      Files.createDirectories(out);
    } catch (FileAlreadyExistsException e) {
      throw new CommandFailure("output directory " + out + " cannot be created: " + e.getFile() + " is a file");
    } catch (IOException e) {
      throw new CommandFailure("output directory " + out + " cannot be created: " + e.getMessage());
    }
    if (!Files.isWritable(out)) {
      throw new CommandFailure("output directory " + out + " is not writable");
    }
    CutPoint point = analysed.profile().cuts().get(cut);
    PrintWriter printer = spec.commandLine().getOut();
    printer.printf("cut %d: %d crossing tensors, %d bytes, %.1f%% of FLOPs on the edge%n",
        cut, point.crossing().size(), point.crossingBytes(), point.flopsBefore() * 100);
    writePiece(analysed, 0, cut, out.resolve("head.onnx"), "cloud-only: the edge runs nothing", printer);
    writePiece(analysed, cut, last, out.resolve("tail.onnx"), "edge-only: the cloud runs nothing", printer);
    printer.flush();
    return 0;
  }

  private static void writePiece(
      PartitionedModel analysed, int fromCut, int toCut, Path file, String whenEmpty, PrintWriter printer) {
    if (fromCut == toCut) {
      printer.printf("no %s: cut %d is %s%n", file.getFileName(), fromCut, whenEmpty);
      return;
    }
    write(file, analysed.segment(fromCut, toCut));
    printer.printf("wrote %s (inputs %s -> outputs %s)%n",
        file, names(analysed.segmentInputs(fromCut, toCut)), analysed.segmentOutputs(fromCut, toCut));
  }

  private static java.util.List<String> names(java.util.List<io.partnner.runtime.model.TensorSpec> specs) {
    return specs.stream().map(io.partnner.runtime.model.TensorSpec::name).toList();
  }

  private static void write(Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new CommandFailure("cannot write " + file + ": " + e.getMessage());
    }
  }
}
