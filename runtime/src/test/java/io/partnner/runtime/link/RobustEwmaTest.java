package io.partnner.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

final class RobustEwmaTest {
  private static final long MS = 1_000_000;

  private static RobustEwma filter() {
    // Half-life 100 ms, spread half-life 1 s, stale after 1 s, 3 sigmas, spread floor 0.1, run of 3.
    return new RobustEwma(100 * MS, 1000 * MS, 1000 * MS, 3, 0.1, 3);
  }

  @Test
  void offer_weightsByElapsedTime() {
    RobustEwma filter = filter();
    filter.offer(0.0, 0);
    filter.offer(0.2, 10 * MS);
    // Ten milliseconds of a 100 ms half-life, but never less than a plain average of the first two.
    assertThat(filter.mean()).isCloseTo(0.1, within(1e-12));
    filter.offer(0.2, 110 * MS);
    assertThat(filter.mean()).isCloseTo(0.1 + 0.5 * 0.1, within(1e-12));
  }

  @Test
  void offer_samplesNoisierThanTheSpread_moveTheMeanByTheirPrecisionAndNeverMakeAChange() {
    RobustEwma filter = filter();
    for (int i = 0; i <= 10; i++) {
      filter.offer(1.0, i * 50 * MS);
    }
    // One far off (by 20 floors of the spread) but with a spread of 2.0 of its own: weighed at 0.01 / (0.01 + 4)
    // of its time weight, not held back, and not what the mean rests on.
    assertThat(filter.offer(3.0, 600 * MS, 2.0)).isEqualTo(RobustEwma.Outcome.ACCEPTED);
    assertThat(filter.mean()).isCloseTo(1.0, within(0.01));
    assertThat(filter.lastNanos()).isEqualTo(500 * MS);
    // A long run of them, scattered both ways as badly timed samples are, is no change either.
    for (int i = 1; i <= 50; i++) {
      filter.offer(i % 2 == 0 ? 3.0 : -1.0, 600 * MS + i * 100 * MS, 2.0);
    }
    assertThat(filter.mean()).isCloseTo(1.0, within(0.1));
    assertThat(filter.changes()).isZero();
    assertThat(filter.spread()).isLessThan(0.2);
    // An exact sample after a stale mean still counts in full.
    filter.offer(3.0, 10_000 * MS, 0);
    assertThat(filter.mean()).isCloseTo(3.0, within(0.01));
  }

  @Test
  void offer_lonelyOutlier_isHeldBack() {
    RobustEwma filter = filter();
    for (int i = 0; i <= 10; i++) {
      filter.offer(1.0, i * 50 * MS);
    }
    assertThat(filter.offer(2.0, 600 * MS)).isEqualTo(RobustEwma.Outcome.REJECTED);
    assertThat(filter.mean()).isEqualTo(1.0);
    assertThat(filter.suspecting(600 * MS)).isTrue();
    assertThat(filter.suspecting(1700 * MS)).isFalse();
    assertThat(filter.offer(1.0, 650 * MS)).isEqualTo(RobustEwma.Outcome.ACCEPTED);
    assertThat(filter.suspecting(650 * MS)).isFalse();
    assertThat(filter.rejected()).isEqualTo(1);
  }

  @Test
  void offer_runOfOutliersOnOneSide_restartsFromThem() {
    RobustEwma filter = filter();
    for (int i = 0; i <= 10; i++) {
      filter.offer(1.0, i * 50 * MS);
    }
    assertThat(filter.offer(0.0, 600 * MS)).isEqualTo(RobustEwma.Outcome.REJECTED);
    assertThat(filter.offer(2.0, 650 * MS)).isEqualTo(RobustEwma.Outcome.REJECTED);
    // The side flipped, so the run starts again.
    assertThat(filter.offer(2.2, 700 * MS)).isEqualTo(RobustEwma.Outcome.REJECTED);
    assertThat(filter.offer(2.4, 750 * MS)).isEqualTo(RobustEwma.Outcome.CHANGED);
    assertThat(filter.mean()).isCloseTo(2.2, within(1e-12));
    assertThat(filter.changes()).isEqualTo(1);
    assertThat(filter.lastNanos()).isEqualTo(750 * MS);
  }

  @Test
  void offer_afterTheStaleAge_replacesTheOldMean() {
    RobustEwma filter = filter();
    filter.offer(1.0, 0);
    assertThat(filter.offer(5.0, 2000 * MS)).isEqualTo(RobustEwma.Outcome.ACCEPTED);
    assertThat(filter.mean()).isCloseTo(5.0, within(1e-4));
  }

  @Test
  void bound_meanOutside_movesOntoTheBoundAndCountsAChangeButKeepsItsDate() {
    RobustEwma filter = filter();
    filter.offer(2.0, 0);
    filter.offer(2.0, 50 * MS);

    assertThat(filter.bound(Double.NEGATIVE_INFINITY, 1.5)).isTrue();

    assertThat(filter.mean()).isEqualTo(1.5);
    assertThat(filter.changes()).isEqualTo(1);
    assertThat(filter.lastNanos()).isEqualTo(50 * MS);
    // The old weight is gone: the next sample counts as much as a second sample would.
    filter.offer(1.7, 60 * MS);
    assertThat(filter.mean()).isCloseTo(1.6, within(1e-12));
  }

  @Test
  void bound_meanInside_changesNothing() {
    RobustEwma filter = filter();
    filter.offer(2.0, 0);

    assertThat(filter.bound(1.0, 3.0)).isFalse();
    assertThat(filter.bound(2.0, 2.0)).isFalse();

    assertThat(filter.mean()).isEqualTo(2.0);
    assertThat(filter.changes()).isZero();
  }
}
