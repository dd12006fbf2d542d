package io.partnner.runtime.plan;

/** Baseline: one cut and codec for every request, whatever happens. */
public final class FixedCut implements Strategy {
  private final Plan plan;

  /** Always cut {@code cut} with {@code codec}. */
  public FixedCut(int cut, String codec) {
    this.plan = new Plan(cut, codec);
  }

  @Override
  public String name() {
    return "fixed-" + plan.cut() + "-" + plan.codec();
  }

  @Override
  public Plan plan(long nowNanos) {
    return plan;
  }

  @Override
  public void observe(Observation observation) {}
}
