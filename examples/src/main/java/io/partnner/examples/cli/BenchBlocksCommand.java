package io.partnner.examples.cli;

import ai.onnxruntime.OrtException;
import io.partnner.models.BlockRunBenchmark;
import io.partnner.models.PartitionedModel;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bench blocks MODEL}: what running a model block by block costs against one session. */
@Command(name = "blocks", mixinStandardHelpOptions = true,
    description = "Per-block execution (as the executor runs it, and one session per candidate cut) "
        + "against plain ONNX Runtime running the whole model in one session.")
final class BenchBlocksCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(names = "--runs", description = "timed runs of each variant (default ${DEFAULT-VALUE})")
  int runs = 30;

  @Option(names = "--warmup", description = "untimed runs first (default ${DEFAULT-VALUE})")
  int warmup = 5;

  @Option(names = "--threads", description = "ONNX Runtime intra-op threads, 0 = one per core (default ${DEFAULT-VALUE})")
  int threads = 0;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws OrtException {
    if (runs < 1 || warmup < 0 || threads < 0) {
      throw new CommandFailure("--runs must be >= 1, --warmup and --threads >= 0");
    }
    PartitionedModel analysed = model.analyze();
    PrintWriter out = spec.commandLine().getOut();
    BlockRunBenchmark.Result result = BlockRunBenchmark.run(analysed, threads, warmup, runs);
    out.printf(Locale.ROOT, "model %s: %d blocks; executor runs %d sessions, per-cut variant %d sessions; %d runs each, interleaved%n",
        analysed.model().name(), analysed.profile().blockCount(), result.groupedSessions(), result.perCutSessions(), runs);
    out.printf(Locale.ROOT, "%-34s %10s %10s %8s%n", "variant", "median ms", "p90 ms", "ratio");
    row(out, "whole model, one session", result.wholeMedianNanos(), result.wholeP90Nanos(), 1.0);
    row(out, "executor (grouped blocks)", result.groupedMedianNanos(), result.groupedP90Nanos(), result.groupedRatio());
    row(out, "one session per candidate cut", result.perCutMedianNanos(), result.perCutP90Nanos(), result.perCutRatio());
    out.printf(Locale.ROOT, "block execution overhead %.1f%%%n", (result.groupedRatio() - 1) * 100);
    out.flush();
    return 0;
  }

  private static void row(PrintWriter out, String name, long median, long p90, double ratio) {
    out.printf(Locale.ROOT, "%-34s %10.2f %10.2f %8.3f%n", name, median / 1e6, p90 / 1e6, ratio);
  }
}
