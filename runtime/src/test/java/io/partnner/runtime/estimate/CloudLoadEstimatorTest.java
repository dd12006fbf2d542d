package io.partnner.runtime.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.partnner.runtime.time.TestingTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class CloudLoadEstimatorTest {
  private static final long SEED = 99_1234L;
  private static final double MILLISECOND = 1e6;
  private static final Duration REPORT_INTERVAL = Duration.ofMillis(200);
  private static final int REQUESTS_PER_REPORT = 4;

  private final TestingTicker ticker = new TestingTicker();
  private final CloudLoadEstimator estimator = new CloudLoadEstimator(CloudLoadEstimator.Settings.DEFAULT, ticker);

  @Test
  void report_jitteryQueueAndNoisyServiceTimes_waitTracksQueueTimesServiceWithinTenPercent() {
    TestingNoise noise = TestingNoise.typical(SEED);
    double truth = 4 * 10 * MILLISECOND;
    double worst = 0;
    for (int i = 0; i < 300; i++) {
      int queue = i % 2 == 0 ? 3 : 5;
      ExecutorLoad load = estimator.report("a", queue, reportedService(noise, 10 * MILLISECOND));
      if (i >= 10) {
        worst = Math.max(worst, Math.abs(load.waitNanos() - truth) / truth);
      }
      ticker.advance(REPORT_INTERVAL);
    }
    assertThat(worst).isLessThan(0.10);
  }

  @Test
  void report_queueStepUpAndDown_seenWithinFiveReports() {
    TestingNoise noise = TestingNoise.typical(SEED);
    settle(noise, 2, 10 * MILLISECOND);
    assertThat(reportsUntilWaitWithinTenPercent(noise, 8, 10 * MILLISECOND)).isLessThanOrEqualTo(5);
    assertThat(reportsUntilWaitWithinTenPercent(noise, 2, 10 * MILLISECOND)).isLessThanOrEqualTo(5);
  }

  @Test
  void report_serviceTimeDoubles_seenWithinSixReports() {
    TestingNoise noise = TestingNoise.typical(SEED);
    settle(noise, 4, 10 * MILLISECOND);
    // Adopted at the 4th report; the new level then rests on few noisy reports, so allow two more.
    assertThat(reportsUntilWaitWithinTenPercent(noise, 4, 20 * MILLISECOND)).isLessThanOrEqualTo(6);
  }

  @Test
  void report_stepsFromNearlyEmptyQueue_eachSeenWithinFourReports() {
    int[] nearlyEmpty = {0, 0, 1, 0};
    for (int i = 0; i < 40; i++) {
      estimator.report("a", nearlyEmpty[i % 4], 10_000_000);
    }
    assertThat(reportsUntilQueueIs(8)).isEqualTo(4);
    assertThat(reportsUntilQueueIs(2)).isEqualTo(4);
  }

  @Test
  void report_stepAdopted_flagsChangeOnThatReport() {
    for (int i = 0; i < 10; i++) {
      estimator.report("a", 1, 5_000_000);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(estimator.report("a", 9, 5_000_000).changeDetected()).isFalse();
    }
    ExecutorLoad adopted = estimator.report("a", 9, 5_000_000);
    assertThat(adopted.changeDetected()).isTrue();
    assertThat(adopted.waitNanos()).isEqualTo(45_000_000);
  }

  @Test
  void executors_silentLongerThanForgetAfter_areDropped() {
    estimator.report("a", 1, 10_000_000);
    estimator.report("b", 1, 10_000_000);
    ticker.advance(Duration.ofSeconds(3));
    estimator.report("a", 1, 10_000_000);
    ticker.advance(Duration.ofMillis(2500));

    assertThat(estimator.executors()).extracting(ExecutorLoad::executorId).containsExactly("a");
    assertThat(estimator.executor("b")).isEmpty();
    assertThat(estimator.pool().orElseThrow().executors()).isEqualTo(1);
    assertThat(estimator.executor("a").orElseThrow().reportAgeNanos()).isEqualTo(2_500_000_000L);
  }

  @Test
  void report_forgottenExecutorReportsAgain_startsAfresh() {
    for (int i = 0; i < 10; i++) {
      estimator.report("a", 6, 10_000_000);
    }
    ticker.advance(Duration.ofSeconds(6));
    assertThat(estimator.report("a", 1, 10_000_000).queueLength()).isEqualTo(1);
  }

  @Test
  void best_unevenExecutors_picksSmallestExpectedCompletion() {
    estimator.report("a", 4, 10_000_000);
    estimator.report("b", 1, 30_000_000);
    estimator.report("c", 2, 5_000_000);
    ExecutorLoad best = estimator.best().orElseThrow();
    assertThat(best.executorId()).isEqualTo("c");
    assertThat(best.completionNanos()).isEqualTo(15_000_000);
  }

  @Test
  void pool_threeExecutors_aggregatesMeanAndMinWaitAndTotalQueue() {
    estimator.report("a", 4, 10_000_000);
    estimator.report("b", 1, 30_000_000);
    estimator.report("c", 2, 5_000_000);
    PoolLoad pool = estimator.pool().orElseThrow();
    assertThat(pool.executors()).isEqualTo(3);
    assertThat(pool.meanWaitNanos()).isCloseTo(80e6 / 3, within(1e-3));
    assertThat(pool.minWaitNanos()).isEqualTo(10_000_000);
    assertThat(pool.totalQueued()).isEqualTo(7);
  }

  @Test
  void pool_noExecutors_isEmpty() {
    assertThat(estimator.pool()).isEmpty();
    assertThat(estimator.best()).isEmpty();
  }

  @Test
  void report_noServiceTimeYet_usesMeanServiceOfThePool() {
    estimator.report("a", 2, 10_000_000);
    estimator.report("c", 0, 20_000_000);
    ExecutorLoad fresh = estimator.report("b", 3, 0);
    assertThat(fresh.serviceNanos()).isEqualTo(15_000_000);
    assertThat(fresh.waitNanos()).isEqualTo(45_000_000);
  }

  @Test
  void remove_knownExecutor_forgetsItAtOnce() {
    estimator.report("a", 2, 10_000_000);
    assertThat(estimator.remove("a")).isTrue();
    assertThat(estimator.executors()).isEmpty();
    assertThat(estimator.remove("a")).isFalse();
  }

  @Test
  void report_invalidFigures_areRejectedWithTheExecutor() {
    assertThatThrownBy(() -> estimator.report("a", -1, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("executor a reported queue -1 and service 10 ns; neither can be negative");
    assertThatThrownBy(() -> estimator.report(" ", 1, 10)).hasMessage("an executor id must not be blank");
  }

  @Test
  void settings_nonPositiveForgetAfter_isRejected() {
    assertThatThrownBy(
            () -> new CloudLoadEstimator.Settings(
                RobustEstimator.Settings.DEFAULT, RobustEstimator.Settings.DEFAULT, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("forgetAfter must be positive, got PT-1S");
  }

  /**
   * What an executor reports as its recent mean service time: the mean of its last few requests'
   * times, each with the usual noise and spikes.
   */
  private static long reportedService(TestingNoise noise, double serviceNanos) {
    double sum = 0;
    for (int i = 0; i < REQUESTS_PER_REPORT; i++) {
      sum += noise.around(serviceNanos);
    }
    return Math.round(sum / REQUESTS_PER_REPORT);
  }

  private void settle(TestingNoise noise, int queue, double serviceNanos) {
    for (int i = 0; i < 40; i++) {
      estimator.report("a", queue, reportedService(noise, serviceNanos));
      ticker.advance(REPORT_INTERVAL);
    }
  }

  private int reportsUntilQueueIs(int queue) {
    for (int reports = 1; reports <= 30; reports++) {
      if (estimator.report("a", queue, 10_000_000).queueLength() == queue) {
        return reports;
      }
    }
    return Integer.MAX_VALUE;
  }

  /** Reports until the expected wait is within 10% of queue x service and stays there for 30 reports. */
  private int reportsUntilWaitWithinTenPercent(TestingNoise noise, int queue, double serviceNanos) {
    double truth = queue * serviceNanos;
    int lastOutside = 0;
    for (int i = 1; i <= 30; i++) {
      ExecutorLoad load = estimator.report("a", queue, reportedService(noise, serviceNanos));
      if (Math.abs(load.waitNanos() - truth) > 0.10 * truth) {
        lastOutside = i;
      }
      ticker.advance(REPORT_INTERVAL);
    }
    return lastOutside + 1;
  }
}
