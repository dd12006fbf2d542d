package io.partnner.examples.cli;

import io.partnner.runtime.plan.Observation;
import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.plan.Prediction;
import io.partnner.runtime.plan.Strategy;
import io.partnner.runtime.time.Ticker;
import java.util.function.Function;

/**
 * A strategy driven by the simulator, with a ticker that reads the simulator's virtual time: the
 * simulator hands every plan request and observation a time but gives strategies no clock, and the
 * planners' estimators age their samples by their ticker, so the ticker follows those times.
 */
final class ClockedStrategy implements Strategy {
  private final Strategy inner;
  private long nowNanos;

  private ClockedStrategy(Function<Ticker, Strategy> factory) {
    this.inner = factory.apply(() -> nowNanos);
  }

  /** The strategy {@code factory} builds around a ticker on the simulator's virtual time. */
  static ClockedStrategy of(Function<Ticker, Strategy> factory) {
    return new ClockedStrategy(factory);
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public Plan plan(long now) {
    advance(now);
    return inner.plan(now);
  }

  @Override
  public java.util.Optional<Plan> planInForce() {
    return inner.planInForce();
  }

  @Override
  public java.util.Optional<Prediction> predicted(Plan plan) {
    return inner.predicted(plan);
  }

  @Override
  public void observe(Observation observation) {
    advance(observation.atNanos());
    inner.observe(observation);
  }

  // Virtual time never runs backwards, even if an observation is stamped a little before the last one.
  private void advance(long now) {
    nowNanos = Math.max(nowNanos, now);
  }
}
