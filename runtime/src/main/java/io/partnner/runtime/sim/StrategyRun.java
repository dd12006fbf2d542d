package io.partnner.runtime.sim;

import io.partnner.runtime.link.Direction;
import io.partnner.runtime.plan.Plan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One strategy's run through a scenario: per request its start, plan, measured latency, the plan's true
 * expected latency and the oracle's; and the figures of DESIGN section 8 computed from them.
 */
public final class StrategyRun {
  private final String strategy;
  private final long[] startNanos;
  private final Plan[] plans;
  private final long[] latencyNanos;
  private final boolean[] fellBack;
  private final long[] trueNanos;
  private final long[] inForceNanos;
  private final long[] oracleNanos;
  private final List<Convergence> convergence;
  private final long probeBytesUp;
  private final long probeBytesDown;
  private final long observations;

  StrategyRun(SimulatedWorld world, String strategy, long[] startNanos, Plan[] plans, Plan[] inForce,
      long[] latencyNanos, boolean[] fellBack, long probeBytesUp, long probeBytesDown, long observations) {
    this.strategy = strategy;
    this.startNanos = startNanos;
    this.plans = plans;
    this.latencyNanos = latencyNanos;
    this.fellBack = fellBack;
    this.probeBytesUp = probeBytesUp;
    this.probeBytesDown = probeBytesDown;
    this.observations = observations;
    int count = startNanos.length;
    trueNanos = new long[count];
    inForceNanos = new long[count];
    oracleNanos = new long[count];
    for (int i = 0; i < count; i++) {
      trueNanos[i] = world.trueLatencyNanos(plans[i], startNanos[i]);
      inForceNanos[i] = inForce[i].equals(plans[i]) ? trueNanos[i] : world.trueLatencyNanos(inForce[i], startNanos[i]);
      oracleNanos[i] = world.oracleLatencyNanos(startNanos[i]);
    }
    convergence = converge(world.steps(startNanos[count - 1]));
  }

  /**
   * For each step, the requests until the chosen plans stay within {@link SimulatedWorld#CONVERGED_WITHIN}
   * of the oracle up to the next step: found by walking back from the last request before the next step.
   * Requests that would still be running at the next step (by their plan's or the oracle's true latency)
   * are not judged: the oracle's latency for them already reflects the next step, which no causal strategy
   * can see coming, so they belong to neither step. A step whose requests all run into the next one is
   * left out.
   */
  private List<Convergence> converge(List<StepChange> steps) {
    List<Convergence> result = new ArrayList<>();
    int first = 0;
    for (int s = 0; s < steps.size(); s++) {
      StepChange step = steps.get(s);
      long until = s + 1 < steps.size() ? steps.get(s + 1).atNanos() : Long.MAX_VALUE;
      while (first < startNanos.length && startNanos[first] < step.atNanos()) {
        first++;
      }
      int end = first;
      while (end < startNanos.length && startNanos[end] < until) {
        end++;
      }
      int judged = end;
      while (judged > first && runsInto(judged - 1, until)) {
        judged--;
      }
      if (judged == first) {
        first = end;
        continue;
      }
      int good = judged;
      while (good > first && withinOracle(good - 1)) {
        good--;
      }
      boolean converged = good < judged;
      long nanos = !converged ? startNanos[judged - 1] - step.atNanos()
          : good == first ? 0 : startNanos[good] - step.atNanos();
      result.add(new Convergence(step, end - first, good - first, nanos, converged));
      first = end;
    }
    return List.copyOf(result);
  }

  /** Whether request {@code i}, by its plan's or the oracle's true latency, is still running at {@code nanos}. */
  private boolean runsInto(int i, long nanos) {
    return nanos != Long.MAX_VALUE && startNanos[i] + Math.max(inForceNanos[i], oracleNanos[i]) > nanos;
  }

  /** Judged on the plan in force: an exploratory detour is counted as exploration, not as not converging. */
  private boolean withinOracle(int request) {
    return inForceNanos[request] <= SimulatedWorld.CONVERGED_WITHIN * oracleNanos[request];
  }

  /** The strategy's name. */
  public String strategy() {
    return strategy;
  }

  /** Number of requests served. */
  public int requests() {
    return startNanos.length;
  }

  /** When request {@code i} started, from the start of the run. */
  public long startNanos(int i) {
    return startNanos[i];
  }

  /** The plan request {@code i} ran under. */
  public Plan plan(int i) {
    return plans[i];
  }

  /** The latency request {@code i} had in the run (noise and queueing included). */
  public long latencyNanos(int i) {
    return latencyNanos[i];
  }

  /** Whether request {@code i} missed its cloud deadline and was finished on the edge. */
  public boolean fellBack(int i) {
    return fellBack[i];
  }

  /** Requests that missed their cloud deadline and were finished on the edge. */
  public int fallbacks() {
    int count = 0;
    for (boolean back : fellBack) {
      count += back ? 1 : 0;
    }
    return count;
  }

  /** The true expected latency of request {@code i}'s plan at its start. */
  public long trueLatencyNanos(int i) {
    return trueNanos[i];
  }

  /** The oracle's true latency at request {@code i}'s start. */
  public long oracleLatencyNanos(int i) {
    return oracleNanos[i];
  }

  /** A copy of every request's start time. */
  public long[] startTimes() {
    return startNanos.clone();
  }

  /** Mean latency in the run. */
  public double meanLatencyNanos() {
    return mean(latencyNanos);
  }

  /** 95th percentile latency in the run (nearest rank). */
  public long p95LatencyNanos() {
    long[] sorted = latencyNanos.clone();
    Arrays.sort(sorted);
    return sorted[Math.max(0, (int) Math.ceil(0.95 * sorted.length) - 1)];
  }

  /** Mean true latency of the chosen plans: the run's mean without the noise. */
  public double meanTrueLatencyNanos() {
    return mean(trueNanos);
  }

  /** Mean of the oracle's latency at the same start times. */
  public double meanOracleLatencyNanos() {
    return mean(oracleNanos);
  }

  /** Mean latency over the oracle's mean latency at the same start times. */
  public double oracleRatio() {
    return meanLatencyNanos() / meanOracleLatencyNanos();
  }

  /** How many times faster than {@code baseline} on mean latency. */
  public double speedUpOver(StrategyRun baseline) {
    return baseline.meanLatencyNanos() / meanLatencyNanos();
  }

  /** Convergence after the start and after every step that had requests after it, in time order. */
  public List<Convergence> convergence() {
    return convergence;
  }

  /** Bytes of link probes sent in {@code direction} while this strategy ran. */
  public long probeBytes(Direction direction) {
    return direction == Direction.UP ? probeBytesUp : probeBytesDown;
  }

  /** Observations fed to the strategy. */
  public long observations() {
    return observations;
  }

  private static double mean(long[] values) {
    double sum = 0;
    for (long value : values) {
      sum += value;
    }
    return sum / values.length;
  }

  @Override
  public String toString() {
    return String.format("%s: %d requests, mean %.2f ms, p95 %.2f ms, %.3fx oracle", strategy, requests(),
        meanLatencyNanos() / 1e6, p95LatencyNanos() / 1e6, oracleRatio());
  }
}
