package io.partnner.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class LinkPresetTest {
  @Test
  void named_findsEachPresetIgnoringCase() {
    assertThat(LinkPreset.named("3g")).isEqualTo(LinkPreset.THREE_G);
    assertThat(LinkPreset.named("LTE")).isEqualTo(LinkPreset.LTE);
    assertThat(LinkPreset.named("WiFi")).isEqualTo(LinkPreset.WIFI);
    assertThat(LinkPreset.named("5G")).isEqualTo(LinkPreset.FIVE_G);
    assertThatThrownBy(() -> LinkPreset.named("4g"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown link preset '4g'; known presets are 3g, lte, wifi, 5g");
  }

  @Test
  void presets_carryTheirSourcedNumbers() {
    assertThat(LinkPreset.THREE_G.mbps(Direction.DOWN)).isEqualTo(4.4);
    assertThat(LinkPreset.LTE.mbps(Direction.UP)).isEqualTo(6.0);
    assertThat(LinkPreset.LTE.mbps(Direction.DOWN)).isEqualTo(13.0);
    assertThat(LinkPreset.WIFI.rtt()).isEqualTo(Duration.ofMillis(14));
    assertThat(LinkPreset.FIVE_G.mbps(Direction.DOWN)).isEqualTo(166.13);
    for (LinkPreset preset : LinkPreset.values()) {
      assertThat(preset.mbps(Direction.UP)).as(preset.label()).isPositive().isLessThan(preset.mbps(Direction.DOWN));
      assertThat(preset.rtt()).as(preset.label()).isPositive();
    }
  }
}
