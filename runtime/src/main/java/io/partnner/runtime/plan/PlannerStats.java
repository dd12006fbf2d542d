package io.partnner.runtime.plan;

/**
 * What the planner has done so far, including what exploration cost.
 *
 * @param requests plans handed out
 * @param replans re-plans run (one per event, plus the first)
 * @param switches re-plans that changed the plan
 * @param exploratory requests served at an exploratory plan instead of the plan in force
 * @param explorationPredictedExtraNanos sum over exploratory requests of their predicted extra latency
 */
public record PlannerStats(
    long requests, long replans, long switches, long exploratory, double explorationPredictedExtraNanos) {

  /** Share of requests that were exploratory (0 before the first). */
  public double explorationShare() {
    return requests == 0 ? 0 : (double) exploratory / requests;
  }
}
