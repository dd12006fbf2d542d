package io.partnner.runtime.plan;

/** Receives the planner's plan switches (the partitioner actor turns them into PlanChanged). */
@FunctionalInterface
public interface PlanListener {
  /** A listener that ignores every change. */
  PlanListener NONE = change -> { };

  /** Called on the planner's thread right after a switch. */
  void onPlanChanged(PlanChange change);
}
