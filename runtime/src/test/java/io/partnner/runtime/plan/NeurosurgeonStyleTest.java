package io.partnner.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.time.TestingTicker;
import org.junit.jupiter.api.Test;

final class NeurosurgeonStyleTest {
  private static final long SEED = 5150L;

  private final TestingTicker ticker = new TestingTicker();
  private final ModelProfile profile = TestingScenarios.stepProfile();

  @Test
  void plan_first20Requests_alternateEdgeOnlyAndCloudOnlyThenServeFromTheProfile() {
    TestingWorld world = TestingScenarios.stepWorld(ticker, SEED, 0.05);
    NeurosurgeonStyle strategy = new NeurosurgeonStyle(profile, CodecSizes.rawOnly(profile), PlannerSettings.DEFAULT,
        ticker);

    for (int request = 0; request < 20; request++) {
      Plan expected = request % 2 == 0 ? new Plan(6, "raw") : new Plan(0, "raw");
      assertThat(world.serve(strategy).plan()).as("profiling request %d", request).isEqualTo(expected);
    }
    for (int request = 20; request < 40; request++) {
      assertThat(world.serve(strategy).plan()).isEqualTo(new Plan(3, "raw"));
    }
    assertThat(strategy.name()).isEqualTo("neurosurgeon-10");
    assertThat(strategy.profilingRuns()).isEqualTo(10);
  }

  @Test
  void plan_afterProfiling_followsABandwidthStepButIgnoresLoad() {
    TestingWorld world = TestingScenarios.stepWorld(ticker, SEED, 0.05);
    NeurosurgeonStyle strategy = new NeurosurgeonStyle(profile, CodecSizes.rawOnly(profile), PlannerSettings.DEFAULT,
        ticker);
    for (int request = 0; request < 60; request++) {
      world.serve(strategy);
    }

    world.load(5, 20_000_000);
    for (int request = 0; request < 20; request++) {
      assertThat(world.serve(strategy).plan()).isEqualTo(new Plan(3, "raw"));
    }
    world.load(0, 20_000_000).link(1, 1, 20_000_000);
    Plan last = null;
    for (int request = 0; request < 5; request++) {
      last = world.serve(strategy).plan();
    }
    assertThat(last).isEqualTo(new Plan(6, "raw"));
  }

  @Test
  void predicted_noneWhileProfiling_thenFromTheFrozenProfile() {
    TestingWorld world = TestingScenarios.stepWorld(ticker, SEED, 0);
    NeurosurgeonStyle strategy = new NeurosurgeonStyle(profile, CodecSizes.rawOnly(profile), PlannerSettings.DEFAULT,
        ticker);
    for (int request = 0; request < 20; request++) {
      world.serve(strategy);
      assertThat(strategy.predicted(new Plan(3, "raw"))).isEmpty();
    }

    world.serve(strategy);

    // The noiseless profile has the true times: 129.2 ms at cut 3, and 30 + 36 + 30 ms of edge tail.
    Prediction cut3 = strategy.predicted(new Plan(3, "raw")).orElseThrow();
    assertThat(cut3.latency().totalNanos()).isCloseTo(129.2e6, org.assertj.core.data.Percentage.withPercentage(0.5));
    assertThat(cut3.edgeFallbackNanos()).isCloseTo(96e6, org.assertj.core.data.Percentage.withPercentage(0.1));
  }

  @Test
  void constructor_noProfilingRuns_throws() {
    assertThatThrownBy(() -> new NeurosurgeonStyle(profile, CodecSizes.rawOnly(profile), PlannerSettings.DEFAULT,
        ticker, 0)).hasMessageContaining("at least one run per side");
  }
}
