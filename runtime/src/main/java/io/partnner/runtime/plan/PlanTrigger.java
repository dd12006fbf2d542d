package io.partnner.runtime.plan;

/** The event that made the planner re-plan. */
public enum PlanTrigger {
  /** The first plan, from the priors. */
  START,
  /** A bandwidth or RTT estimate moved beyond its threshold, or the link estimator detected a change. */
  LINK_CHANGED,
  /** The expected cloud queueing delay moved beyond its threshold, or a load change was detected. */
  CLOUD_LOAD_CHANGED,
  /** Block time estimates moved materially, or a block time change was detected. */
  PROFILE_UPDATED,
  /** A cloud answer missed the deadline its prediction set: the link or the cloud is slower than believed. */
  CLOUD_OVERDUE
}
