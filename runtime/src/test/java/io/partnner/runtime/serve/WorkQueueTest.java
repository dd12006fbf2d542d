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
  void rejectsBadSettings() {
    assertThatThrownBy(() -> new WorkQueue<String>(0, 0.5, new TestingTicker())).hasMessageContaining("capacity");
    assertThatThrownBy(() -> new WorkQueue<String>(1, 0, new TestingTicker())).hasMessageContaining("weight");
  }
}
