package io.partnner.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class BestStaticPlanTest {
  @Test
  void choose_perRequestLatencies_returnsTheLeastTotal() {
    Map<Plan, long[]> runs = new HashMap<>();
    runs.put(new Plan(0, "raw"), new long[] {10, 10, 100});
    runs.put(new Plan(2, "raw"), new long[] {30, 30, 30});
    runs.put(new Plan(3, "raw"), new long[] {50, 50, 50});

    assertThat(BestStaticPlan.choose(runs)).isEqualTo(new Plan(2, "raw"));
  }

  @Test
  void choose_tie_goesToTheSmallerCutThenCodecName() {
    Map<Plan, long[]> runs = new HashMap<>();
    runs.put(new Plan(2, "raw"), new long[] {5});
    runs.put(new Plan(1, "raw"), new long[] {5});
    runs.put(new Plan(1, "lz4"), new long[] {5});

    assertThat(BestStaticPlan.choose(runs)).isEqualTo(new Plan(1, "lz4"));
  }

  @Test
  void choose_unevenRuns_throws() {
    Map<Plan, long[]> runs = new HashMap<>();
    runs.put(new Plan(0, "raw"), new long[] {1, 2});
    runs.put(new Plan(1, "raw"), new long[] {1});

    assertThatThrownBy(() -> BestStaticPlan.choose(runs)).hasMessageContaining("request latencies");
    assertThatThrownBy(() -> BestStaticPlan.choose(Map.of())).hasMessageContaining("no plans");
  }
}
