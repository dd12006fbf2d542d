package io.partnner.runtime.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.estimate.ExecutorLoad;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExecutorChooserTest {
  private static final long COOLDOWN = 2_000_000_000L;

  private static ExecutorLoad load(String id, double queue, double service) {
    return new ExecutorLoad(id, queue, service, queue * service, 0, false);
  }

  @Test
  void noExecutorNoChoice() {
    assertThat(new ExecutorChooser(COOLDOWN).choose(0)).isEmpty();
  }

  @Test
  void picksTheSmallestExpectedCompletion() {
    ExecutorChooser chooser = new ExecutorChooser(COOLDOWN);
    chooser.available(Set.of("a", "b"));
    chooser.loads(List.of(load("a", 3, 10), load("b", 1, 20)));
    // a: (3 + 1) x 10 = 40, b: (1 + 1) x 20 = 40 -> tie, fewest assigned; then b is busier by one of ours.
    String first = chooser.choose(0).orElseThrow();
    chooser.sent(first);
    String second = chooser.choose(0).orElseThrow();
    assertThat(Set.of(first, second)).containsExactlyInAnyOrder("a", "b");
    chooser.loads(List.of(load("a", 0, 10), load("b", 0, 50)));
    chooser.done(first);
    chooser.done(second);
    assertThat(chooser.choose(0)).contains("a");
  }

  @Test
  void ourOwnRequestsInFlightCountWhenTheReportIsOlderThanThem() {
    ExecutorChooser chooser = new ExecutorChooser(COOLDOWN);
    chooser.available(Set.of("a", "b"));
    chooser.loads(List.of(load("a", 0, 10), load("b", 0, 12)));
    chooser.sent("a");
    chooser.sent("a");
    // a: (2 + 1) x 10 = 30 against b: 12.
    assertThat(chooser.choose(0)).contains("b");
  }

  @Test
  void aJoiningExecutorGetsWorkAtOnceAndALeavingOneNone() {
    ExecutorChooser chooser = new ExecutorChooser(COOLDOWN);
    chooser.available(Set.of("a"));
    chooser.loads(List.of(load("a", 2, 10)));
    chooser.sent("a");
    chooser.available(Set.of("a", "new"));
    // No report from "new" yet: priced at the pool's mean service time with an empty queue.
    assertThat(chooser.choose(0)).contains("new");
    chooser.available(Set.of("new"));
    assertThat(chooser.isAvailable("a")).isFalse();
    assertThat(chooser.choose(0)).contains("new");
    assertThat(chooser.assigned()).containsEntry("a", 1L);
  }

  @Test
  void anExecutorThatFailedARequestIsPassedOverForTheCoolDown_unlessEveryOneDid_andAnAnswerClearsIt() {
    ExecutorChooser chooser = new ExecutorChooser(COOLDOWN);
    chooser.available(Set.of("dead", "busy"));
    chooser.sent("busy");
    chooser.sent("busy");
    assertThat(chooser.choose(0)).contains("dead");
    chooser.failed("dead", 0);
    assertThat(chooser.choose(1)).as("passed over although it looks idle").contains("busy");
    assertThat(chooser.choose(COOLDOWN)).as("after the cool-down").contains("dead");

    chooser.failed("dead", 10);
    chooser.failed("busy", 10);
    assertThat(chooser.choose(20)).as("every one failed: the best of all").contains("dead");
    chooser.answered("busy");
    assertThat(chooser.choose(20)).contains("busy");

    chooser.available(Set.of("busy"));
    chooser.failed("dead", 30);
    chooser.available(Set.of("busy", "dead"));
    assertThat(chooser.choose(40)).as("a failure of an executor not available is not kept").contains("dead");
    assertThatThrownBy(() -> new ExecutorChooser(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
