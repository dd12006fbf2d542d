package io.partnner.runtime.plan;

import java.util.Objects;

/**
 * The planner switched plans.
 *
 * @param atNanos when, on the planner's ticker
 * @param trigger the event whose re-plan switched
 * @param from the plan before
 * @param to the plan now in force
 * @param fromPredictedNanos the old plan's predicted latency under the estimates that made the switch
 * @param toPredicted the new plan's predicted latency, term by term
 */
public record PlanChange(
    long atNanos, PlanTrigger trigger, Plan from, Plan to, double fromPredictedNanos, LatencyBreakdown toPredicted) {
  public PlanChange {
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(toPredicted, "toPredicted");
  }
}
