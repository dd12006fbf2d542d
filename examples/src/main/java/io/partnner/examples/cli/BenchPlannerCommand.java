package io.partnner.examples.cli;

import io.partnner.runtime.plan.PlannerBench;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench planner}: how long partnner's planner takes to re-plan. */
@Command(name = "planner", mixinStandardHelpOptions = true,
    description = "Median time of one re-plan of partnner's planner over a synthetic model "
        + "(every candidate cut and codec evaluated, estimates gathered).")
final class BenchPlannerCommand implements Callable<Integer> {
  @Option(names = "--cuts", description = "candidate cuts, edge-only included (default ${DEFAULT-VALUE})")
  int cuts = 600;

  @Option(names = "--codecs", description = "codecs per cut (default ${DEFAULT-VALUE})")
  int codecs = 5;

  @Option(names = "--rounds", description = "re-plans timed after as many for warm-up (default ${DEFAULT-VALUE})")
  int rounds = 2000;

  @Option(names = "--seed", description = "seed of the synthetic model (default ${DEFAULT-VALUE})")
  long seed = 1;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    long nanos = PlannerBench.decisionNanos(cuts, codecs, rounds, seed);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%d candidate cuts x %d codecs, %d re-plans after %d warm-up%n", cuts, codecs, rounds, rounds);
    out.printf(Locale.ROOT, "planner decision time %.1f us%n", nanos / 1e3);
    out.flush();
    return 0;
  }
}
