package io.partnner.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class PlannerBenchTest {
  @Test
  void decisionNanos_smallModel_measuresAPositiveTime() {
    // Timing is reported by the bench command, never asserted: only that it runs and measures something.
    assertThat(PlannerBench.decisionNanos(20, 5, 5, 1)).isPositive();
  }

  @Test
  void decisionNanos_badArguments_throw() {
    assertThatThrownBy(() -> PlannerBench.decisionNanos(1, 5, 5, 1)).hasMessageContaining("need cuts >= 2");
    assertThatThrownBy(() -> PlannerBench.decisionNanos(10, 9, 5, 1)).hasMessageContaining("codecs in 1..5");
  }
}
