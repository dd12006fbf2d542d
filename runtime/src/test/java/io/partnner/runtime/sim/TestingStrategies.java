package io.partnner.runtime.sim;

import io.partnner.runtime.plan.Observation;
import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.plan.Prediction;
import io.partnner.runtime.plan.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/** Trivial strategies for testing the simulator before the planner exists. */
final class TestingStrategies {
  private TestingStrategies() {}

  /** Always the same plan; keeps every observation it is given. */
  static final class Fixed implements Strategy {
    private final String name;
    private final Plan plan;
    final List<Observation> observed = new ArrayList<>();

    Fixed(String name, Plan plan) {
      this.name = name;
      this.plan = plan;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Plan plan(long nowNanos) {
      return plan;
    }

    @Override
    public void observe(Observation observation) {
      observed.add(observation);
    }
  }

  /** Always the same plan, predicted as given (so the edge sizes its cloud deadline from it); keeps every observation. */
  static final class Predicting implements Strategy {
    private final Plan plan;
    private final Prediction prediction;
    final List<Observation> observed = new ArrayList<>();

    Predicting(Plan plan, Prediction prediction) {
      this.plan = plan;
      this.prediction = prediction;
    }

    @Override
    public String name() {
      return "predicting";
    }

    @Override
    public Plan plan(long nowNanos) {
      return plan;
    }

    @Override
    public Optional<Prediction> predicted(Plan served) {
      return served.equals(plan) ? Optional.of(prediction) : Optional.empty();
    }

    @Override
    public void observe(Observation observation) {
      observed.add(observation);
    }
  }

  /** Plans with a function of the time: e.g. the world's oracle, or a scripted switch. */
  static final class ByTime implements Strategy {
    private final String name;
    private final LongFunction<Plan> planner;

    ByTime(String name, LongFunction<Plan> planner) {
      this.name = name;
      this.planner = planner;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Plan plan(long nowNanos) {
      return planner.apply(nowNanos);
    }

    @Override
    public void observe(Observation observation) {}
  }

  /** The test oracle: the world's best plan at each start. */
  static Strategy oracle(SimulatedWorld world) {
    return new ByTime("oracle", world::oraclePlan);
  }
}
