package io.partnner.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class ConditionsTest {
  @Test
  void edgeAndCloudNanos_perCut_areHeadAndTailSums() {
    Conditions conditions = new Conditions(new double[] {1, 2, 3}, new double[] {10, 20, 30}, 5, 5, 0, 0);

    assertThat(conditions.edgeNanos(0)).isZero();
    assertThat(conditions.edgeNanos(2)).isEqualTo(3);
    assertThat(conditions.edgeNanos(3)).isEqualTo(6);
    assertThat(conditions.cloudNanos(0)).isEqualTo(60);
    assertThat(conditions.cloudNanos(2)).isEqualTo(30);
    assertThat(conditions.cloudNanos(3)).isZero();
  }

  @Test
  void constructor_badValues_throwNamingTheValue() {
    assertThatThrownBy(() -> new Conditions(new double[] {1}, new double[] {1, 2}, 5, 5, 0, 0))
        .hasMessageContaining("got 1 and 2");
    assertThatThrownBy(() -> new Conditions(new double[] {1}, new double[] {1}, 0, 5, 0, 0))
        .hasMessageContaining("bandwidths must be positive");
    assertThatThrownBy(() -> new Conditions(new double[] {1}, new double[] {Double.NaN}, 5, 5, 0, 0))
        .hasMessageContaining("cloud time of block 0");
  }
}
