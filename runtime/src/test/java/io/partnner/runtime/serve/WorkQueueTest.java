package io.partnner.runtime.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.time.TestingTicker;
import org.junit.jupiter.api.Test;

class WorkQueueTest {
  @Test
  void servesInOrderOneAtATimeAndCountsWaitingAndInService() {
    TestingTicker ticker = new TestingTicker();
    WorkQueue<String> queue = new WorkQueue<>(3, 0.5, ticker);
    assertThat(queue.offer("a")).isTrue();
    assertThat(queue.offer("b")).isTrue();
    ticker.advanceNanos(10);
    WorkQueue.Started<String> first = queue.start().orElseThrow();
    assertThat(first.job()).isEqualTo("a");
    assertThat(first.waitedNanos()).isEqualTo(10);
    assertThat(queue.start()).isEmpty();
    assertThat(queue.offer("c")).isTrue();
    assertThat(queue.offer("d")).isFalse();
    assertThat(queue.length()).isEqualTo(3);
    ticker.advanceNanos(100);
    assertThat(queue.finish()).isEqualTo(100);
    assertThat(queue.meanServiceNanos()).isEqualTo(100);
    assertThat(queue.start().orElseThrow().job()).isEqualTo("b");
    ticker.advanceNanos(300);
    queue.finish();
    // Half way from 100 towards 300.
    assertThat(queue.meanServiceNanos()).isEqualTo(200);
    assertThat(queue.served()).isEqualTo(2);
    assertThatThrownBy(queue::finish).hasMessageContaining("no job is in service");
  }

  @Test
  void nextMean_isWhatFinishFoldsIn() {
    assertThat(WorkQueue.nextMean(Double.NaN, 100, 0.5)).isEqualTo(100);
    assertThat(WorkQueue.nextMean(100, 300, 0.5)).isEqualTo(200);
    WorkQueue<String> queue = new WorkQueue<>(2, 0.25, new TestingTicker());
    assertThat(queue.meanService()).isNaN();
    assertThat(queue.weight()).isEqualTo(0.25);
  }

  @Test
  void rejectsBadSettings() {
    assertThatThrownBy(() -> new WorkQueue<String>(0, 0.5, new TestingTicker())).hasMessageContaining("capacity");
    assertThatThrownBy(() -> new WorkQueue<String>(1, 0, new TestingTicker())).hasMessageContaining("weight");
  }
}
