package io.partnner.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.time.TestingTicker;
import org.junit.jupiter.api.Test;

final class DevicePacerTest {
  @Test
  void afterBlock_slowdownFour_waitsThreeTimesTheWork() {
    TestingTicker ticker = new TestingTicker();
    DevicePacer pacer = new DevicePacer(DeviceProfile.parse("x4"), ticker);
    pacer.afterBlock(1_000_000);
    assertThat(ticker.nanos()).isEqualTo(3_000_000);
  }

  @Test
  void afterBlock_native_doesNotWait() {
    TestingTicker ticker = new TestingTicker();
    new DevicePacer(DeviceProfile.NATIVE, ticker).afterBlock(5_000_000);
    assertThat(ticker.nanos()).isZero();
  }

  @Test
  void parse_badProfiles_areNamed() {
    assertThat(DeviceProfile.parse("x2.5").slowdown()).isEqualTo(2.5);
    assertThatThrownBy(() -> DeviceProfile.parse("fast")).hasMessageContaining("device 'fast'");
    assertThatThrownBy(() -> DeviceProfile.parse("x0.5")).hasMessageContaining(">= 1");
    assertThatThrownBy(() -> DeviceProfile.parse("xabc")).hasMessageContaining("'abc' is not a number");
  }
}
