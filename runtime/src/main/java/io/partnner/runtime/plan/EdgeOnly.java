package io.partnner.runtime.plan;

import io.partnner.runtime.model.ModelProfile;

/** Baseline: every block on the edge, nothing on the link. */
public final class EdgeOnly implements Strategy {
  private final Plan plan;

  /** Edge-only for {@code profile}. */
  public EdgeOnly(ModelProfile profile) {
    this.plan = new Plan(profile.blockCount(), CodecSizes.RAW);
  }

  @Override
  public String name() {
    return "edge-only";
  }

  @Override
  public Plan plan(long nowNanos) {
    return plan;
  }

  @Override
  public void observe(Observation observation) {}
}
