package io.partnner.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class EdgeOnlyTest {
  @Test
  void plan_always_isTheEdgeOnlyCut() {
    EdgeOnly strategy = new EdgeOnly(TestingScenarios.stepProfile());
    strategy.observe(new Observation.LoadReported("cloud-1", 3, 1000, 0));

    assertThat(strategy.plan(0)).isEqualTo(new Plan(6, "raw"));
    assertThat(strategy.plan(1_000_000)).isEqualTo(new Plan(6, "raw"));
    assertThat(strategy.name()).isEqualTo("edge-only");
  }
}
