package io.partnner.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class FixedCutTest {
  @Test
  void plan_always_isTheGivenCutAndCodec() {
    FixedCut strategy = new FixedCut(2, "lz4");
    strategy.observe(new Observation.LoadReported("cloud-1", 3, 1000, 0));

    assertThat(strategy.plan(0)).isEqualTo(new Plan(2, "lz4"));
    assertThat(strategy.plan(5)).isEqualTo(new Plan(2, "lz4"));
    assertThat(strategy.name()).isEqualTo("fixed-2-lz4");
  }
}
