package io.partnner.runtime.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.time.TestingTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class BlockTimeEstimatorTest {
  private static final long SEED = 7_2024L;
  private static final Duration STALE_AFTER = Duration.ofSeconds(30);

  private final TestingTicker ticker = new TestingTicker();
  private final BlockTimeEstimator estimator =
      new BlockTimeEstimator(4, RobustEstimator.Settings.DEFAULT, STALE_AFTER, ticker);

  @Test
  void estimate_neverMeasured_isEmpty() {
    assertThat(estimator.estimate(2)).isEmpty();
    assertThat(estimator.isFresh(2)).isFalse();
  }

  @Test
  void record_noisyTimesPerBlock_eachConvergesWithinTenPercent() {
    TestingNoise noise = TestingNoise.typical(SEED);
    double[] truth = {0.4e6, 2.5e6, 11e6, 0.9e6};
    for (int round = 0; round < 200; round++) {
      for (int block = 0; block < truth.length; block++) {
        estimator.record(block, noise.nanosAround(truth[block]));
      }
      ticker.advance(Duration.ofMillis(100));
    }
    for (int block = 0; block < truth.length; block++) {
      assertThat(estimator.estimate(block).orElseThrow().value())
          .as("block %d", block)
          .isBetween(0.9 * truth[block], 1.1 * truth[block]);
    }
  }

  @Test
  void isFresh_pastStaleAfter_turnsFalseUntilMeasuredAgain() {
    estimator.record(1, 1_000_000);
    ticker.advance(STALE_AFTER);
    assertThat(estimator.isFresh(1)).isTrue();
    ticker.advanceNanos(1);
    assertThat(estimator.isFresh(1)).isFalse();
    assertThat(estimator.estimate(1).orElseThrow().ageNanos()).isEqualTo(STALE_AFTER.toNanos() + 1);

    estimator.record(1, 1_000_000);
    assertThat(estimator.isFresh(1)).isTrue();
  }

  @Test
  void record_blockOutOfRange_namesBlockAndCount() {
    assertThatThrownBy(() -> estimator.record(4, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("block 4 is out of range for 4 blocks");
    assertThatThrownBy(() -> estimator.estimate(-1)).hasMessage("block -1 is out of range for 4 blocks");
  }

  @Test
  void record_negativeTime_isRejected() {
    assertThatThrownBy(() -> estimator.record(0, -5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("block 0 cannot take a negative time (-5 ns)");
  }

  @Test
  void constructor_nonPositiveStaleAfter_isRejected() {
    assertThatThrownBy(
            () -> new BlockTimeEstimator(4, RobustEstimator.Settings.DEFAULT, Duration.ZERO, ticker))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("staleAfter must be positive, got PT0S");
  }
}
