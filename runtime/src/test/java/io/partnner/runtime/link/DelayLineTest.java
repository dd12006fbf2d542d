package io.partnner.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DelayLineTest {
  @Test
  void runsEachActionNoEarlierThanItsInstantInOrder() throws InterruptedException {
    List<String> order = new CopyOnWriteArrayList<>();
    List<Long> lateness = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(4);
    try (DelayLine line = new DelayLine("test-line")) {
      long now = System.nanoTime();
      long[] due = {now + 30_000_000, now + 10_000_000, now + 10_000_000, now - 1};
      String[] names = {"late", "first-of-two", "second-of-two", "already-due"};
      for (int i = 0; i < due.length; i++) {
        long at = due[i];
        String name = names[i];
        line.at(at, () -> {
          lateness.add(System.nanoTime() - at);
          order.add(name);
          done.countDown();
        });
      }
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(order).containsExactly("already-due", "first-of-two", "second-of-two", "late");
    assertThat(lateness).allSatisfy(late -> assertThat(late).isNotNegative());
  }

  @Test
  void aFailingActionDoesNotStopTheLine() throws InterruptedException {
    CountDownLatch after = new CountDownLatch(1);
    try (DelayLine line = new DelayLine("test-line")) {
      line.at(System.nanoTime(), () -> {
        throw new IllegalStateException("boom");
      });
      line.at(System.nanoTime(), after::countDown);
      assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }
}
