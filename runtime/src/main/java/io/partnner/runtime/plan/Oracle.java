package io.partnner.runtime.plan;

import java.util.List;
import java.util.Objects;

/**
 * The limit for a split strategy: knows the true conditions at every moment and takes, per request,
 * the candidate plan with the least true latency (ties to the earlier candidate).
 */
public final class Oracle implements Strategy {
  private final TruthSource truth;
  private final List<Plan> candidates;

  /** An oracle choosing among {@code candidates} (e.g. {@link LatencyModel#candidates()}) by {@code truth}. */
  public Oracle(TruthSource truth, List<Plan> candidates) {
    this.truth = Objects.requireNonNull(truth, "truth");
    this.candidates = List.copyOf(candidates);
    if (this.candidates.isEmpty()) {
      throw new IllegalArgumentException("an oracle needs at least one candidate plan");
    }
  }

  @Override
  public String name() {
    return "oracle";
  }

  @Override
  public Plan plan(long nowNanos) {
    Plan best = null;
    long bestNanos = Long.MAX_VALUE;
    for (Plan candidate : candidates) {
      long nanos = truth.trueLatencyNanos(candidate, nowNanos);
      if (best == null || nanos < bestNanos) {
        best = candidate;
        bestNanos = nanos;
      }
    }
    return best;
  }

  @Override
  public void observe(Observation observation) {}
}
