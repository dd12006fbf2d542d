package io.partnner.runtime.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnner.runtime.estimate.ExecutorLoad;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExecutorChooserTest {
  private static ExecutorLoad load(String id, double queue, double service) {
    return new ExecutorLoad(id, queue, service, queue * service, 0, false);
  }

  @Test
  void noExecutorNoChoice() {
    assertThat(new ExecutorChooser().choose()).isEmpty();
  }

  @Test
  void picksTheSmallestExpectedCompletion() {
    ExecutorChooser chooser = new ExecutorChooser();
    chooser.available(Set.of("a", "b"));
    chooser.loads(List.of(load("a", 3, 10), load("b", 1, 20)));
    // a: (3 + 1) x 10 = 40, b: (1 + 1) x 20 = 40 -> tie, fewest assigned; then b is busier by one of ours.
    String first = chooser.choose().orElseThrow();
    chooser.sent(first);
    String second = chooser.choose().orElseThrow();
    assertThat(Set.of(first, second)).containsExactlyInAnyOrder("a", "b");
    chooser.loads(List.of(load("a", 0, 10), load("b", 0, 50)));
    chooser.done(first);
    chooser.done(second);
    assertThat(chooser.choose()).contains("a");
  }

  @Test
  void ourOwnRequestsInFlightCountWhenTheReportIsOlderThanThem() {
    ExecutorChooser chooser = new ExecutorChooser();
    chooser.available(Set.of("a", "b"));
    chooser.loads(List.of(load("a", 0, 10), load("b", 0, 12)));
    chooser.sent("a");
    chooser.sent("a");
    // a: (2 + 1) x 10 = 30 against b: 12.
    assertThat(chooser.choose()).contains("b");
  }

  @Test
  void aJoiningExecutorGetsWorkAtOnceAndALeavingOneNone() {
    ExecutorChooser chooser = new ExecutorChooser();
    chooser.available(Set.of("a"));
    chooser.loads(List.of(load("a", 2, 10)));
    chooser.sent("a");
    chooser.available(Set.of("a", "new"));
    // No report from "new" yet: priced at the pool's mean service time with an empty queue.
    assertThat(chooser.choose()).contains("new");
    chooser.available(Set.of("new"));
    assertThat(chooser.isAvailable("a")).isFalse();
    assertThat(chooser.choose()).contains("new");
    assertThat(chooser.assigned()).containsEntry("a", 1L);
  }
}
