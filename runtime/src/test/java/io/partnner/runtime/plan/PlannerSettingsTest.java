package io.partnner.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class PlannerSettingsTest {
  @Test
  void defaults_lossyOff_andTheDocumentedThresholds() {
    PlannerSettings settings = PlannerSettings.DEFAULT;

    assertThat(settings.maxCodecError()).isZero();
    assertThat(settings.switchGainRelative()).isEqualTo(0.05);
    assertThat(settings.switchGainAbsolute()).isEqualTo(Duration.ofMillis(1));
    assertThat(settings.explorationShare()).isEqualTo(0.02);
  }

  @Test
  void constructor_outOfRange_throwsNamingTheSetting() {
    assertThatThrownBy(() -> PlannerSettings.DEFAULT.withExploration(1.5, 0.25))
        .hasMessageContaining("explorationShare must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> PlannerSettings.DEFAULT.withSwitchGain(0.05, Duration.ofMillis(-1)))
        .hasMessageContaining("switchGainAbsolute must not be negative");
    assertThatThrownBy(() -> PlannerSettings.DEFAULT.withMaxCodecError(Double.NaN))
        .hasMessageContaining("maxCodecError");
  }
}
