package io.partnner.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

final class CloudDeadlineTest {
  private static final long MS = 1_000_000;

  /** Edge 30 ms, encode 1 ms, then a cloud part of rtt 20 + up 40 + queue 5 + cloud 10 + down 4 + decode 1 = 80 ms. */
  private static Optional<Prediction> prediction(double edgeFallbackMillis) {
    return Optional.of(new Prediction(
        new LatencyBreakdown(30 * MS, 1 * MS, 20 * MS, 40 * MS, 5 * MS, 10 * MS, 4 * MS, 1 * MS), edgeFallbackMillis * MS));
  }

  @Test
  void waitNanos_cheapEdgeFallback_waitsTwiceTheCloudPart() {
    assertThat(CloudDeadline.DEFAULT.waitNanos(prediction(10))).isEqualTo(160 * MS);
  }

  @Test
  void waitNanos_costlyEdgeFallback_waitsTheCloudPartPlusTheFallback() {
    // Giving up costs 141 ms of edge work on top of the wait: wait that much beyond the prediction first.
    assertThat(CloudDeadline.DEFAULT.waitNanos(prediction(141))).isEqualTo(221 * MS);
  }

  @Test
  void waitNanos_tinyPrediction_keepsTheFloorAsMargin() {
    Optional<Prediction> fast = Optional.of(new Prediction(new LatencyBreakdown(0, 0, 5 * MS, 1 * MS, 0, 4 * MS, 0, 0), 0));
    assertThat(CloudDeadline.DEFAULT.waitNanos(fast)).isEqualTo(60 * MS);
  }

  @Test
  void waitNanos_noPrediction_isTheCeiling() {
    assertThat(CloudDeadline.DEFAULT.waitNanos(Optional.empty())).isEqualTo(5_000 * MS);
    assertThat(CloudDeadline.withCeiling(Duration.ofSeconds(3)).waitNanos(Optional.empty())).isEqualTo(3_000 * MS);
  }

  @Test
  void waitNanos_ceilingCapsTheAllowanceForVariationButNeverTheRentOrBuyWait() {
    CloudDeadline deadline = CloudDeadline.withCeiling(Duration.ofSeconds(5));
    Optional<Prediction> slowCloud = Optional.of(new Prediction(new LatencyBreakdown(0, 0, 0, 4_000 * MS, 0, 0, 0, 0), 500 * MS));
    Optional<Prediction> slowEdge = Optional.of(new Prediction(new LatencyBreakdown(0, 0, 0, 4_000 * MS, 0, 0, 0, 0), 3_000 * MS));
    // Twice 4 s would be 8 s: capped at 5 s. But 4 s plus a 3 s fallback is waited in full.
    assertThat(deadline.waitNanos(slowCloud)).isEqualTo(5_000 * MS);
    assertThat(deadline.waitNanos(slowEdge)).isEqualTo(7_000 * MS);
  }

  @Test
  void deadlineAfterReceiptNanos_restartsTheClockForTheRestButNeverComesEarlier() {
    CloudDeadline deadline = CloudDeadline.DEFAULT;
    long sent = 1_000 * MS;
    long due = deadline.deadlineNanos(sent, prediction(10));
    assertThat(due).isEqualTo(1_160 * MS);
    // Received late, at 1,150 ms: the rest (queue 5 + decode 1 + cloud 10 + down 4 = 20 ms) plus a 50 ms floor.
    assertThat(deadline.deadlineAfterReceiptNanos(due, 1_150 * MS, prediction(10))).isEqualTo(1_220 * MS);
    // Received early: the deadline set at sending stands.
    assertThat(deadline.deadlineAfterReceiptNanos(due, 1_030 * MS, prediction(10))).isEqualTo(due);
    // Without a prediction a receipt changes nothing.
    long fixed = deadline.deadlineNanos(sent, Optional.empty());
    assertThat(deadline.deadlineAfterReceiptNanos(fixed, 5_900 * MS, Optional.empty())).isEqualTo(fixed);
  }

  @Test
  void deadlineNanos_farFuture_saturatesInsteadOfOverflowing() {
    assertThat(CloudDeadline.DEFAULT.deadlineNanos(Long.MAX_VALUE - MS, Optional.empty())).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void constructor_badValues_areRejectedNamingThem() {
    assertThatThrownBy(() -> new CloudDeadline(0.5, Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple");
    assertThatThrownBy(() -> new CloudDeadline(2, Duration.ofMillis(-1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("floor");
    assertThatThrownBy(() -> new CloudDeadline(2, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ceiling");
  }
}
