package io.partnner.runtime.plan;

import java.util.Comparator;
import java.util.Map;

/** The best static cut chosen with hindsight: the plan whose requests, all served by it, took least in total. */
public final class BestStaticPlan {
  private BestStaticPlan() {}

  /**
   * The plan with the least total latency over the run (ties to the smaller cut, then codec name).
   *
   * @param latenciesByPlan per plan, the true latency of every request of the run had it used that plan
   * @throws IllegalArgumentException when the map is empty or the runs differ in length
   */
  public static Plan choose(Map<Plan, long[]> latenciesByPlan) {
    if (latenciesByPlan.isEmpty()) {
      throw new IllegalArgumentException("no plans to choose from");
    }
    int length = -1;
    Plan best = null;
    double bestTotal = Double.POSITIVE_INFINITY;
    Comparator<Plan> order = Comparator.comparingInt(Plan::cut).thenComparing(Plan::codec);
    for (Map.Entry<Plan, long[]> entry : latenciesByPlan.entrySet()) {
      long[] latencies = entry.getValue();
      if (length >= 0 && latencies.length != length) {
        throw new IllegalArgumentException(
            "plan " + entry.getKey() + " has " + latencies.length + " request latencies, others have " + length);
      }
      length = latencies.length;
      double total = 0;
      for (long latency : latencies) {
        total += latency;
      }
      if (total < bestTotal || (total == bestTotal && order.compare(entry.getKey(), best) < 0)) {
        best = entry.getKey();
        bestTotal = total;
      }
    }
    return best;
  }
}
