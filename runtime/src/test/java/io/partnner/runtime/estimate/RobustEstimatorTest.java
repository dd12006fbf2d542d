package io.partnner.runtime.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.partnner.runtime.time.TestingTicker;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

final class RobustEstimatorTest {
  private static final long SEED = 20240611L;
  private static final double MILLISECOND = 1e6;

  private final TestingTicker ticker = new TestingTicker();
  private final RobustEstimator estimator = new RobustEstimator(RobustEstimator.Settings.DEFAULT, ticker);

  @Test
  void observe_noisyConstantWithOutliers_staysWithinTenPercentAfterWarmUp() {
    TestingNoise noise = TestingNoise.typical(SEED);
    double truth = 7 * MILLISECOND;
    double worst = 0;
    for (int i = 0; i < 2000; i++) {
      double value = estimator.observe(noise.around(truth)).value();
      if (i >= 10) {
        worst = Math.max(worst, Math.abs(value - truth) / truth);
      }
    }
    assertThat(worst).isLessThan(0.10);
  }

  @Test
  void observe_singleOutlier_isNotFoldedIn() {
    for (int i = 0; i < 10; i++) {
      estimator.observe(100);
    }
    Estimate afterOutlier = estimator.observe(500);
    assertThat(afterOutlier.value()).isEqualTo(100);
    assertThat(afterOutlier.changeDetected()).isFalse();
    assertThat(estimator.observe(100).value()).isEqualTo(100);
  }

  @Test
  void observe_outlierAmongFirstSamples_doesNotSetTheLevel() {
    estimator.observe(100);
    estimator.observe(500);
    estimator.observe(102);
    assertThat(estimator.observe(100).value()).isEqualTo(101);
    assertThat(estimator.observe(100).value()).isCloseTo(100.8, within(1e-9));
  }

  @Test
  void observe_noiseFreeStep_adoptedAtFourthObservationWithChangeFlag() {
    for (int i = 0; i < 10; i++) {
      estimator.observe(100);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(estimator.observe(200).value()).isEqualTo(100);
    }
    Estimate adopted = estimator.observe(200);
    assertThat(adopted.value()).isEqualTo(200);
    assertThat(adopted.changeDetected()).isTrue();
    assertThat(adopted.samples()).isEqualTo(4);
    assertThat(estimator.observe(200).changeDetected()).isFalse();
  }

  @Test
  void observe_spikeAmongStepSamples_delaysAdoptionByOneAndIsLeftOut() {
    for (int i = 0; i < 10; i++) {
      estimator.observe(100);
    }
    estimator.observe(200);
    estimator.observe(1000);
    estimator.observe(200);
    assertThat(estimator.observe(200).changeDetected()).isFalse();
    Estimate adopted = estimator.observe(200);
    assertThat(adopted.changeDetected()).isTrue();
    assertThat(adopted.value()).isEqualTo(200);
  }

  @Test
  void observe_spikeOnOtherSideDuringStep_doesNotDelayAdoption() {
    for (int i = 0; i < 10; i++) {
      estimator.observe(100);
    }
    estimator.observe(50);
    estimator.observe(500);
    estimator.observe(50);
    estimator.observe(50);
    assertThat(estimator.observe(50).value()).isEqualTo(50);
  }

  @Test
  void observe_noisyStepsTimesTwoAndHalf_adoptedWithinFiveObservations() {
    StepReactions reactions = alternateSteps(new TestingNoise(SEED, 0.10, 0, 1));
    assertThat(reactions.worstUp()).as("observations to adopt a x2 step").isLessThanOrEqualTo(5);
    assertThat(reactions.worstDown()).as("observations to adopt a x0.5 step").isLessThanOrEqualTo(5);
    assertThat(reactions.typical()).isEqualTo(4);
    assertThat(reactions.worstSettle()).as("observations to stay within 10%").isLessThanOrEqualTo(15);
  }

  @Test
  void observe_noisyStepsWithSpikes_adoptedWithinSixObservations() {
    StepReactions reactions = alternateSteps(TestingNoise.typical(SEED));
    assertThat(reactions.worstUp()).as("observations to adopt a x2 step").isLessThanOrEqualTo(6);
    assertThat(reactions.worstDown()).as("observations to adopt a x0.5 step").isLessThanOrEqualTo(6);
    assertThat(reactions.typical()).isEqualTo(4);
    assertThat(reactions.worstSettle()).as("observations to stay within 10%").isLessThanOrEqualTo(15);
  }

  @Test
  void observe_smallStepInsideOutlierBand_absorbedWithinTenObservations() {
    TestingNoise noise = new TestingNoise(SEED, 0.10, 0, 1);
    double level = 4 * MILLISECOND;
    for (int i = 0; i < 40; i++) {
      estimator.observe(noise.around(level));
    }
    double stepped = 1.2 * level;
    int lastOutside = 0;
    for (int i = 1; i <= 40; i++) {
      if (Math.abs(estimator.observe(noise.around(stepped)).value() - stepped) > 0.10 * stepped) {
        lastOutside = i;
      }
    }
    assertThat(lastOutside + 1).isLessThanOrEqualTo(10);
  }

  @Test
  void current_afterTimePasses_reportsAgeSinceLastAcceptedSample() {
    for (int i = 0; i < 5; i++) {
      estimator.observe(100);
    }
    long acceptedAt = ticker.nanos();
    ticker.advance(Duration.ofMillis(40));
    estimator.observe(900);
    ticker.advance(Duration.ofMillis(10));

    Estimate estimate = estimator.current().orElseThrow();
    assertThat(estimate.lastUpdateNanos()).isEqualTo(acceptedAt);
    assertThat(estimate.ageNanos()).isEqualTo(Duration.ofMillis(50).toNanos());
    assertThat(estimator.observe(100).ageNanos()).isZero();
  }

  @Test
  void current_beforeAnySample_isEmpty() {
    assertThat(estimator.current()).isEmpty();
  }

  @Test
  void observe_nonFiniteSample_isRejected() {
    assertThatThrownBy(() -> estimator.observe(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a sample must be a finite number of magnitude at most 1e300, got NaN");
  }

  @Test
  void observe_hugeSample_isRejectedAndTheEstimatorKeepsWorking() {
    assertThatThrownBy(() -> estimator.observe(1e308)).isInstanceOf(IllegalArgumentException.class);
    for (int i = 0; i < 10; i++) {
      estimator.observe(5.0);
    }
    assertThat(estimator.current().orElseThrow().value()).isEqualTo(5.0);
  }

  @Test
  void settings_outOfRangeValues_areRejectedWithTheValue() {
    assertThatThrownBy(() -> new RobustEstimator.Settings(0, 0.025, 4, 3, 0.05, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alpha must be in (0, 1], got 0.0");
    assertThatThrownBy(() -> new RobustEstimator.Settings(0.1, 1.5, 4, 3, 0.05, 0))
        .hasMessage("deviationAlpha must be in (0, 1], got 1.5");
    assertThatThrownBy(() -> new RobustEstimator.Settings(0.1, 0.025, 4, 1, 0.05, 0))
        .hasMessageContaining("changeRun must be at least 2");
    assertThatThrownBy(() -> new RobustEstimator.Settings(0.1, 0.025, -1, 3, 0.05, 0))
        .hasMessageContaining("outlierThreshold");
    assertThatThrownBy(() -> RobustEstimator.Settings.DEFAULT.withMinDeviation(-1))
        .hasMessageContaining("minDeviation");
  }

  /**
   * Alternates the level between 4 ms and 8 ms, 40 noisy samples each, 25 times each way, and counts
   * per step the observations until the estimate is within 20% of the new level (it has left the
   * old one, 50% or 100% away) and until it stays within 10%.
   */
  private StepReactions alternateSteps(TestingNoise noise) {
    double low = 4 * MILLISECOND;
    for (int i = 0; i < 40; i++) {
      estimator.observe(noise.around(low));
    }
    int[] reactions = new int[50];
    int worstUp = 0;
    int worstDown = 0;
    int worstSettle = 0;
    for (int step = 0; step < 50; step++) {
      double level = step % 2 == 0 ? 2 * low : low;
      int reaction = 0;
      int lastOutside = 0;
      for (int i = 1; i <= 40; i++) {
        double error = Math.abs(estimator.observe(noise.around(level)).value() - level) / level;
        if (reaction == 0 && error <= 0.20) {
          reaction = i;
        }
        if (error > 0.10) {
          lastOutside = i;
        }
      }
      assertThat(lastOutside).as("estimate still more than 10% off after 40 samples").isLessThan(40);
      reactions[step] = reaction;
      worstSettle = Math.max(worstSettle, lastOutside + 1);
      if (step % 2 == 0) {
        worstUp = Math.max(worstUp, reaction);
      } else {
        worstDown = Math.max(worstDown, reaction);
      }
    }
    Arrays.sort(reactions);
    return new StepReactions(worstUp, worstDown, reactions[reactions.length / 2], worstSettle);
  }

  private record StepReactions(int worstUp, int worstDown, int typical, int worstSettle) {}
}
