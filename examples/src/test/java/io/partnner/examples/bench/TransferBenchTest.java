package io.partnner.examples.bench;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link TransferBench#check} refuses before any node starts. */
final class TransferBenchTest {
  private static TransferBench.Settings settings(List<Long> sizes, int inFlight) {
    return new TransferBench.Settings(sizes, 0, Duration.ZERO, 1, inFlight, 1, 1, Duration.ofSeconds(5));
  }

  @Test
  void check_partnnerConfigAnd20MB_passes() {
    assertThatCode(() -> TransferBench.check(settings(List.of(20_000_000L), 10), ConfigFactory.load()))
        .doesNotThrowAnyException();
  }

  @Test
  void check_tensorOverASmallerFrame_isRefusedNamingTheKeyAndItsValue() {
    Config small = ConfigFactory.parseString("pekko.remote.artery.advanced.maximum-large-frame-size = 2 MiB")
        .withFallback(ConfigFactory.load());
    assertThatThrownBy(() -> TransferBench.check(settings(List.of(1_000_000L, 5_000_000L), 1), small))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a 5 MB tensor plus its envelope does not fit "
            + "pekko.remote.artery.advanced.maximum-large-frame-size = 2 MiB; Artery would drop the message");
  }

  @Test
  void check_moreInFlightThanTheLargeQueue_isRefused() {
    assertThatThrownBy(() -> TransferBench.check(settings(List.of(1_000_000L), 65), ConfigFactory.load()))
        .hasMessageContaining("pekko.remote.artery.advanced.outbound-large-message-queue-size = 64");
  }

  @Test
  void settings_sizeNotWholeFloats_isRefused() {
    assertThatThrownBy(() -> settings(List.of(8L, 6L), 1)).hasMessageContaining("6 bytes is not a positive multiple of 4");
  }
}
