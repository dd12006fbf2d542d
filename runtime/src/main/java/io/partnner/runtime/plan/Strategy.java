package io.partnner.runtime.plan;

/**
 * A splitting strategy: partnner's planner or a baseline, behind one interface so the simulator and
 * the live system drive them alike.
 */
public interface Strategy {
  /** Short name for tables, e.g. {@code partnner}, {@code edge-only}. */
  String name();

  /**
   * The plan for a request starting now. Cheap: event-driven strategies re-plan in
   * {@link #observe}, not here; a strategy may return a neighbouring cut now and then to refresh
   * stale estimates (bounded exploration) or, for a profile-first baseline, to profile.
   */
  Plan plan(long nowNanos);

  /** Feeds one observation; may change the plan in force. */
  void observe(Observation observation);

  /**
   * The plan in force, when the strategy has one apart from what it serves (an exploring planner
   * serves a neighbour now and then); empty otherwise. Convergence is judged on it, since
   * exploration is a deliberate, separately counted detour.
   */
  default java.util.Optional<Plan> planInForce() {
    return java.util.Optional.empty();
  }

  /**
   * What this strategy predicts for {@code plan} now, if it predicts latencies at all; the gateway sizes a
   * request's cloud deadline from it ({@link CloudDeadline}).
   */
  default java.util.Optional<Prediction> predicted(Plan plan) {
    return java.util.Optional.empty();
  }
}
