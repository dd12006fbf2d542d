package io.partnner.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.time.TestingTicker;
import org.junit.jupiter.api.Test;

final class DevicePacerTest {
  @Test
  void slowdownFour_owesAndWaitsThreeTimesTheWork() {
    TestingTicker ticker = new TestingTicker();
    DevicePacer pacer = new DevicePacer(DeviceProfile.parse("x4"), ticker);
    long owed = pacer.extraNanos(1_000_000) + pacer.extraNanos(500_000);
    assertThat(owed).isEqualTo(4_500_000);
    pacer.waitNanos(owed);
    assertThat(ticker.nanos()).isEqualTo(4_500_000);
  }

  @Test
  void native_owesNothing() {
    TestingTicker ticker = new TestingTicker();
    DevicePacer pacer = new DevicePacer(DeviceProfile.NATIVE, ticker);
    pacer.waitNanos(pacer.extraNanos(5_000_000));
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
