package io.partnner.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.time.TestingTicker;
import org.junit.jupiter.api.Test;

final class CloudOnlyTest {
  private static final long SEED = 777L;

  private final TestingTicker ticker = new TestingTicker();
  private final ModelProfile profile = TestingScenarios.stepProfile();

  @Test
  void plan_slowLink_shipsTheInputWithLz4() {
    CodecSizes sizes = CodecSizes.builder(profile).size(0, "lz4", 50_000, 0).cost("lz4", 20, 2).build();
    TestingWorld world = world(sizes).link(2, 2, 20_000_000);
    CloudOnly strategy = new CloudOnly(profile, sizes, PlannerSettings.DEFAULT, ticker);

    Plan last = null;
    for (int request = 0; request < 20; request++) {
      last = world.serve(strategy).plan();
    }

    assertThat(last).isEqualTo(new Plan(0, "lz4"));
    assertThat(strategy.name()).isEqualTo("cloud-only");
  }

  @Test
  void plan_fastLinkAndCostlyLz4_shipsTheInputRaw() {
    // 150528 bytes: 20 ns/B to encode is 3 ms; at 400 Mbit/s the raw input takes 3 ms on the link, lz4 1 ms.
    CodecSizes sizes = CodecSizes.builder(profile).size(0, "lz4", 50_000, 0).cost("lz4", 20, 2).build();
    TestingWorld world = world(sizes).link(400, 400, 2_000_000);
    CloudOnly strategy = new CloudOnly(profile, sizes, PlannerSettings.DEFAULT, ticker);
    assertThat(strategy.plan(0)).isEqualTo(new Plan(0, "lz4"));

    Plan last = null;
    for (int request = 0; request < 50; request++) {
      last = world.serve(strategy).plan();
    }

    assertThat(last).isEqualTo(new Plan(0, "raw"));
  }

  @Test
  void plan_lossyCodecAtCutZero_isNeverUsed() {
    CodecSizes sizes = CodecSizes.builder(profile).size(0, "int8", 1_000, 0).build();
    CloudOnly strategy = new CloudOnly(profile, sizes, PlannerSettings.DEFAULT.withMaxCodecError(1), ticker);

    assertThat(strategy.plan(0)).isEqualTo(new Plan(0, "raw"));
  }

  private TestingWorld world(CodecSizes sizes) {
    return new TestingWorld(profile, sizes, TestingScenarios.stepEdge(), TestingScenarios.stepCloud(), ticker, SEED,
        0.05);
  }
}
