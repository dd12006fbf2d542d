package io.partnner.examples.cli;

import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.sim.SimulatedWorld;
import io.partnner.runtime.sim.StrategyRun;
import java.util.List;

/**
 * One scenario of {@code bench sim} and every strategy's run in it, in the order of {@link BenchSimCommand#STRATEGIES}.
 *
 * @param bestStatic the plan the best-static run used, chosen with hindsight
 */
record SimScenarioResult(String model, String device, SimLink link, SimulatedWorld world, List<StrategyRun> runs,
    Plan bestStatic) {

  /** The run of the strategy at {@code index} of {@link BenchSimCommand#STRATEGIES}. */
  StrategyRun run(int index) {
    return runs.get(index);
  }

  StrategyRun partnner() {
    return runs.get(BenchSimCommand.PARTNNER);
  }

  StrategyRun oracle() {
    return runs.get(BenchSimCommand.ORACLE);
  }
}
