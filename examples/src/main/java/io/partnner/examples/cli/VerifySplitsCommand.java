package io.partnner.examples.cli;

import io.partnner.models.PartitionedModel;
import io.partnner.models.SplitVerifier;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code verify-splits MODEL}: head then tail against the whole model at every candidate cut. */
@Command(name = "verify-splits", mixinStandardHelpOptions = true,
    description = "Check head+tail against the whole model at every candidate cut, on a seeded random input.")
final class VerifySplitsCommand implements Callable<Integer> {
  @Mixin ModelOptions model;

  @Option(names = "--quiet", description = "print only failures and the summary")
  boolean quiet;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    long start = System.nanoTime();
    PrintWriter out = spec.commandLine().getOut();
    PartitionedModel analysed = model.analyze();
    out.printf("model %s: %d compute nodes, %d candidate cuts (%d single-tensor), analysed in %d ms%n",
        analysed.model().name(), analysed.computeNodeCount(), analysed.profile().cuts().size(),
        analysed.singleTensorCutCount(), (System.nanoTime() - start) / 1_000_000);
    out.flush();
    SplitVerifier.Report report = new SplitVerifier(analysed).verifyAll(check -> {
      if (!quiet || !check.passed()) {
        out.printf(Locale.ROOT, "cut %4d  %3d tensors %12d bytes  max abs diff %.3e  %s%n", check.cut(),
            check.crossingTensors(), check.crossingBytes(), check.maxAbsDiff(),
            check.passed() ? "ok" : "FAILED: " + check.failure());
        out.flush();
      }
    });
    long failed = report.cuts().stream().filter(c -> !c.passed()).count();
    out.printf("wall time %.1f s; %s%n", (System.nanoTime() - start) / 1e9,
        failed == 0 ? "all cuts within tolerance" : failed + " of " + report.cuts().size() + " cuts FAILED");
    out.printf(Locale.ROOT, "verified %d cuts, max abs diff %.3e%n", report.cuts().size() - failed, report.maxAbsDiff());
    out.flush();
    return failed == 0 ? 0 : 1;
  }
}
