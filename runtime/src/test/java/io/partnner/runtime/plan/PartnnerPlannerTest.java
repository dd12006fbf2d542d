package io.partnner.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.link.Direction;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.time.TestingTicker;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

final class PartnnerPlannerTest {
  private static final long SEED = 20240611L;

  private final TestingTicker ticker = new TestingTicker();
  private final List<PlanChange> changes = new ArrayList<>();

  @Test
  void plan_coldStart_servesTheFirstRequestFromThePriors() {
    ModelProfile profile = TestingScenarios.stepProfile();
    PartnnerPlanner planner = planner(profile, CodecSizes.rawOnly(profile), PlannerSettings.DEFAULT);

    assertThat(planner.candidates()).contains(planner.plan(0));
    assertThat(planner.stats().replans()).isEqualTo(1);
    assertThat(planner.predicted().totalNanos()).isPositive();
  }

  @Test
  void plan_coldStartOnAnUnseenPlatform_servesTheOraclePlanWithinThreeRequests() {
    TestingWorld world = TestingScenarios.stepWorld(ticker, SEED, 0.05);
    ModelProfile profile = TestingScenarios.stepProfile();
    PartnnerPlanner planner = planner(profile, CodecSizes.rawOnly(profile), PlannerSettings.DEFAULT);

    // A profile-first baseline serves 20 profiling requests before its first planned one.
    assertThat(servedUntilOracle(world, planner, 20)).isLessThanOrEqualTo(3);
  }

  @Test
  void plan_priorSpeedRatioFarOff_explorationStillFindsTheEdge() {
    // Truth: edge 40 ms and cloud 10 ms a block (ratio 4), a 4 Mbit/s link: edge-only 240 ms is best,
    // cloud-only about 389 ms. The FLOPs prior (ratio 10) and the assumed 10 Mbit/s start the planner on
    // cloud-only, and once the cloud is timed the prior ratio predicts edge-only at 600 ms: without a
    // look at the edge it would stay there.
    // Every cut inside the model crosses 800 KB, so the choice is between cloud-only and edge-only.
    ModelProfile profile = TestingProfiles.profile(
        new long[] {150_528, 800_000, 800_000, 800_000, 800_000, 800_000}, TestingProfiles.uniformFlops(6, 1e9), 4000);
    TestingWorld world = new TestingWorld(profile, CodecSizes.rawOnly(profile),
        TestingScenarios.uniform(6, 40 * TestingScenarios.MS), TestingScenarios.uniform(6, 10 * TestingScenarios.MS),
        ticker, SEED, 0.05).link(4, 4, 20_000_000L);
    PartnnerPlanner planner = planner(profile, CodecSizes.rawOnly(profile), PlannerSettings.DEFAULT);
    assertThat(planner.currentPlan()).isEqualTo(new Plan(0, "raw"));

    for (int request = 0; request < 200; request++) {
      world.serve(planner);
    }

    assertThat(new Oracle(world, planner.candidates()).plan(ticker.nanos())).isEqualTo(new Plan(6, "raw"));
    assertThat(planner.currentPlan()).isEqualTo(new Plan(6, "raw"));
  }

  @Test
  void observe_blockTimedOnBothSidesMovesTheSpeedRatio_replansAndSwitches() {
    long[] crossing = new long[41];
    java.util.Arrays.fill(crossing, 100_000);
    double[] flops = TestingProfiles.uniformFlops(41, 4e9);
    flops[0] = 1e9;
    ModelProfile profile = TestingProfiles.profile(crossing, flops, 4000);
    PartnnerPlanner planner = planner(profile, CodecSizes.rawOnly(profile), PlannerSettings.DEFAULT);
    List<Long> tail = java.util.Collections.nCopies(40, 10_000_000L);
    ticker.advanceNanos(1_000_000);
    // A slow uplink: a 64-byte head in 20 ms (the RTT), then 100 kB queued behind it in 1.6 s (0.5 Mbit/s).
    planner.observe(new Observation.TransferTimed(Direction.UP, 64, ticker.nanos(), ticker.nanos() + 20_000_000L));
    planner.observe(new Observation.TransferTimed(Direction.UP, 100_000, ticker.nanos(), ticker.nanos() + 1_620_000_000L));
    ticker.advanceNanos(1_620_000_000L);
    // Edge: block 0 in 40 ms (0.04 ns/FLOP); cloud: the other 40 blocks, 10 ms each (0.0025 ns/FLOP).
    planner.observe(new Observation.BlocksTimed(Side.EDGE, 0, List.of(40_000_000L), ticker.nanos()));
    planner.observe(new Observation.BlocksTimed(Side.CLOUD, 1, tail, ticker.nanos()));
    long before = planner.stats().replans();
    Plan edgeOnly = new Plan(41, "raw");
    // Block 0 measured, the other 40 at 16 x their 10 ms in the cloud: 6.44 s on the edge against about
    // 2.03 s for cut 0 (20 + 1,600 ms up, 402.5 ms of cloud, the result down).
    assertThat(planner.predicted(edgeOnly).orElseThrow().latency().edgeNanos())
        .isCloseTo(6_440e6, org.assertj.core.data.Percentage.withPercentage(0.1));
    assertThat(planner.currentPlan().cut()).isLessThan(41);
    changes.clear();

    // Block 0 now timed on the cloud too, in 10 ms: the cloud's sum moves 2% (402.5 -> 410 ms), but the
    // speed ratio, from the side speeds' 16 to the shared block's 4, moves every edge estimate.
    List<Long> all = new java.util.ArrayList<>(List.of(10_000_000L));
    all.addAll(tail);
    planner.observe(new Observation.BlocksTimed(Side.CLOUD, 0, all, ticker.nanos()));

    assertThat(planner.stats().replans()).isEqualTo(before + 1);
    // The re-plan saw the new ratio: 40 ms + 40 x 4 x 10 ms on the edge, 1.64 s, now the fastest plan.
    assertThat(planner.predicted(edgeOnly).orElseThrow().latency().edgeNanos())
        .isCloseTo(1_640e6, org.assertj.core.data.Percentage.withPercentage(0.1));
    assertThat(planner.currentPlan()).isEqualTo(edgeOnly);
    assertThat(changes).extracting(PlanChange::trigger).containsExactly(PlanTrigger.PROFILE_UPDATED);
  }

  @Test
  void currentPlan_afterLearning_isTheAnalyticallyBestCut() {
    TestingWorld world = TestingScenarios.stepWorld(ticker, SEED, 0.05);
    ModelProfile profile = TestingScenarios.stepProfile();
    PartnnerPlanner planner = planner(profile, CodecSizes.rawOnly(profile), PlannerSettings.DEFAULT);

    for (int request = 0; request < 200; request++) {
      world.serve(planner);
    }

    // By hand: cut 3 takes 54 + 20 + 40 + 12 + 3.2 = 129.2 ms, the next best (edge-only) 150 ms.
    assertThat(world.trueLatencyNanos(new Plan(3, "raw"), 0)).isEqualTo(129_200_000L);
    assertThat(new Oracle(world, planner.candidates()).plan(ticker.nanos())).isEqualTo(new Plan(3, "raw"));
    assertThat(planner.currentPlan()).isEqualTo(new Plan(3, "raw"));
    assertThat(planner.predicted().totalNanos()).isCloseTo(129.2e6, org.assertj.core.data.Percentage.withPercentage(5));
  }

  @Test
  void replan_noiseAroundANearTie_switchesAtMostTwiceIn1000Requests() {
    ModelProfile profile = TestingScenarios.nearTieProfile();
    CodecSizes sizes = CodecSizes.rawOnly(profile);
    TestingWorld world = new TestingWorld(
        profile, sizes, TestingScenarios.stepEdge(), TestingScenarios.stepCloud(), ticker, SEED, 0.10)
        .linkNoise(0.05);
    PartnnerPlanner planner = planner(profile, sizes, PlannerSettings.DEFAULT);

    for (int request = 0; request < 1000; request++) {
      world.serve(planner);
    }

    assertThat(changes).hasSizeLessThanOrEqualTo(2);
    // Event-driven: re-plans are a small fraction of requests, not one per request.
    assertThat(planner.stats().replans()).isLessThan(50);
    long best = world.bestTrueLatencyNanos(planner.candidates());
    assertThat((double) world.trueLatencyNanos(planner.currentPlan(), 0)).isLessThanOrEqualTo(best * 1.05);
  }

  @Test
  void replan_bandwidthStepFrom10To1Mbit_followsWithinFiveRequests() {
    TestingWorld world = TestingScenarios.stepWorld(ticker, SEED, 0.05);
    ModelProfile profile = TestingScenarios.stepProfile();
    PartnnerPlanner planner = planner(profile, CodecSizes.rawOnly(profile), PlannerSettings.DEFAULT);
    for (int request = 0; request < 200; request++) {
      world.serve(planner);
    }
    assertThat(planner.currentPlan()).isEqualTo(new Plan(3, "raw"));
    changes.clear();

    world.link(1, 1, 20_000_000);
    int served = servedUntilOracle(world, planner, 20);

    assertThat(served).isLessThanOrEqualTo(5);
    assertThat(planner.currentPlan()).isEqualTo(new Plan(6, "raw"));
    assertThat(changes).extracting(PlanChange::trigger).contains(PlanTrigger.LINK_CHANGED);
  }

  @Test
  void replan_cloudLoadStepTo100msQueue_followsWithinFiveRequests() {
    TestingWorld world = TestingScenarios.stepWorld(ticker, SEED, 0.05);
    ModelProfile profile = TestingScenarios.stepProfile();
    PartnnerPlanner planner = planner(profile, CodecSizes.rawOnly(profile), PlannerSettings.DEFAULT);
    for (int request = 0; request < 200; request++) {
      world.serve(planner);
    }
    changes.clear();

    world.load(5, 20_000_000);
    int served = servedUntilOracle(world, planner, 20);

    assertThat(served).isLessThanOrEqualTo(5);
    assertThat(planner.currentPlan()).isEqualTo(new Plan(6, "raw"));
    assertThat(changes).extracting(PlanChange::trigger).containsExactly(PlanTrigger.CLOUD_LOAD_CHANGED);
  }

  @Test
  void observe_crossingNotReceivedByItsDeadline_boundsTheUplinkAndReplansAtOnce() {
    PartnnerPlanner planner = convergedOnCut3();
    long sent = ticker.nanos();
    ticker.advanceNanos(1_000_000_000L);

    // 50 kB still not received a second later: at most 400 kbit over 1 s less the 20 ms RTT, 0.408 Mbit/s.
    planner.observe(new Observation.CloudOverdue(new Plan(3, "raw"), 50_000, sent, OptionalLong.empty(), ticker.nanos()));

    assertThat(planner.currentPlan()).isEqualTo(new Plan(6, "raw"));
    assertThat(changes).extracting(PlanChange::trigger).containsExactly(PlanTrigger.CLOUD_OVERDUE);
    assertThat(planner.predicted(new Plan(3, "raw")).orElseThrow().latency().uplinkNanos())
        .isCloseTo(980e6, org.assertj.core.data.Percentage.withPercentage(1));

    // The next completed uplink transfer is evidence again, and it says 10 Mbit/s: back to the split.
    long probe = ticker.nanos();
    ticker.advanceNanos(20_200_000L);
    planner.observe(new Observation.TransferTimed(Direction.UP, 64, probe, probe + 20_050_000L));
    planner.observe(new Observation.TransferTimed(Direction.UP, 12_500, probe, ticker.nanos()));

    assertThat(planner.currentPlan()).isEqualTo(new Plan(3, "raw"));
    assertThat(changes).extracting(PlanChange::trigger).containsExactly(PlanTrigger.CLOUD_OVERDUE, PlanTrigger.LINK_CHANGED);
  }

  @Test
  void observe_answerOverdueAfterTheReceipt_waitsOutTheOverrunUntilAnAnswerComesThrough() {
    PartnnerPlanner planner = convergedOnCut3();
    long sent = ticker.nanos();
    ticker.advanceNanos(1_000_000_000L);

    // Received 60 ms after sending (so it arrived at 50 ms); the rest was predicted at 12 ms of tail, 10 ms
    // back and 3.2 ms of result: 925 ms overrun, which every cloud plan would wait too.
    planner.observe(new Observation.CloudOverdue(
        new Plan(3, "raw"), 50_000, sent, OptionalLong.of(sent + 60_000_000L), ticker.nanos()));

    assertThat(planner.currentPlan()).isEqualTo(new Plan(6, "raw"));
    assertThat(planner.predicted(new Plan(3, "raw")).orElseThrow().latency().queueNanos())
        .isCloseTo(924.8e6, org.assertj.core.data.Percentage.withPercentage(1));
    assertThat(planner.predicted(new Plan(0, "raw")).orElseThrow().latency().queueNanos())
        .isCloseTo(924.8e6, org.assertj.core.data.Percentage.withPercentage(1));

    // An answer from the cloud: whatever held the overdue one back has let go.
    planner.observe(new Observation.BlocksTimed(Side.CLOUD, 3, List.of(3_750_000L, 4_500_000L, 3_750_000L), ticker.nanos()));

    assertThat(planner.currentPlan()).isEqualTo(new Plan(3, "raw"));
    assertThat(planner.predicted(new Plan(3, "raw")).orElseThrow().latency().queueNanos()).isZero();
    assertThat(changes).extracting(PlanChange::trigger)
        .containsExactly(PlanTrigger.CLOUD_OVERDUE, PlanTrigger.CLOUD_LOAD_CHANGED);
  }

  @Test
  void predicted_aCandidate_isItsBreakdownAndTheEdgeTimeOfItsTail() {
    PartnnerPlanner planner = convergedOnCut3();

    Prediction cut3 = planner.predicted(new Plan(3, "raw")).orElseThrow();

    // By hand (see currentPlan_afterLearning_isTheAnalyticallyBestCut): 129.2 ms; the tail's blocks take
    // 30 + 36 + 30 ms on the edge.
    assertThat(cut3.latency().totalNanos()).isCloseTo(129.2e6, org.assertj.core.data.Percentage.withPercentage(0.1));
    assertThat(cut3.edgeFallbackNanos()).isCloseTo(96e6, org.assertj.core.data.Percentage.withPercentage(0.1));
    assertThat(planner.predicted(new Plan(6, "raw")).orElseThrow().edgeFallbackNanos()).isZero();
    assertThat(planner.predicted(new Plan(3, "lz4"))).isEmpty();
  }

  @Test
  void plan_exploration_staysWithinItsShareAndIsReported() {
    ModelProfile profile = TestingScenarios.exploreProfile();
    CodecSizes sizes = CodecSizes.rawOnly(profile);
    TestingWorld world = new TestingWorld(profile, sizes, TestingScenarios.uniform(8, 15 * TestingScenarios.MS),
        TestingScenarios.uniform(8, 1.5 * TestingScenarios.MS), ticker, SEED, 0.05);
    PartnnerPlanner planner = planner(profile, sizes, PlannerSettings.DEFAULT);
    int exploratory = 0;
    int requests = 2000;

    for (int request = 0; request < requests; request++) {
      Plan current = planner.currentPlan();
      if (!world.serve(planner).plan().equals(current)) {
        exploratory++;
      }
    }

    PlannerStats stats = planner.stats();
    assertThat(stats.exploratory()).isEqualTo(exploratory).isPositive();
    assertThat(stats.explorationShare()).isLessThanOrEqualTo(PlannerSettings.DEFAULT.explorationShare());
    assertThat(stats.explorationPredictedExtraNanos()).isPositive()
        .isLessThanOrEqualTo(exploratory * 0.25 * world.trueLatencyNanos(new Plan(3, "raw"), 0) * 1.1);
    assertThat(planner.currentPlan()).isEqualTo(new Plan(3, "raw"));
  }

  @Test
  void plan_explorationShareZero_neverExplores() {
    ModelProfile profile = TestingScenarios.exploreProfile();
    CodecSizes sizes = CodecSizes.rawOnly(profile);
    TestingWorld world = new TestingWorld(profile, sizes, TestingScenarios.uniform(8, 15 * TestingScenarios.MS),
        TestingScenarios.uniform(8, 1.5 * TestingScenarios.MS), ticker, SEED, 0.05);
    PartnnerPlanner planner = planner(profile, sizes, PlannerSettings.DEFAULT.withExploration(0, 0.25));

    for (int request = 0; request < 500; request++) {
      Plan current = planner.currentPlan();
      assertThat(world.serve(planner).plan()).isEqualTo(current);
    }
    assertThat(planner.stats().exploratory()).isZero();
  }

  @Test
  void plan_lossyCodecOutsideTheBound_isNeverUsed() {
    ModelProfile profile = TestingScenarios.stepProfile();
    CodecSizes sizes = CodecSizes.builder(profile).size(3, "int8", 12_500, 0.05).build();
    TestingWorld world = new TestingWorld(
        profile, sizes, TestingScenarios.stepEdge(), TestingScenarios.stepCloud(), ticker, SEED, 0.05)
        .link(3, 3, 20_000_000);

    for (double bound : new double[] {0, 0.01}) {
      PartnnerPlanner planner = planner(profile, sizes, PlannerSettings.DEFAULT.withMaxCodecError(bound));
      assertThat(planner.candidates()).doesNotContain(new Plan(3, "int8"));
      for (int request = 0; request < 300; request++) {
        assertThat(world.serve(planner).plan().codec()).isEqualTo("raw");
      }
    }
  }

  @Test
  void plan_lossyCodecWithinTheBound_isChosenWhenItPays() {
    ModelProfile profile = TestingScenarios.stepProfile();
    CodecSizes sizes = CodecSizes.builder(profile).size(3, "int8", 12_500, 0.05).build();
    TestingWorld world = new TestingWorld(
        profile, sizes, TestingScenarios.stepEdge(), TestingScenarios.stepCloud(), ticker, SEED, 0.05)
        .link(3, 3, 20_000_000);
    PartnnerPlanner planner = planner(profile, sizes, PlannerSettings.DEFAULT.withMaxCodecError(0.1));

    for (int request = 0; request < 300; request++) {
      world.serve(planner);
    }

    // At 3 Mbit/s: int8 at cut 3 takes about 130 ms, raw 229 ms, edge-only 150 ms.
    assertThat(planner.currentPlan()).isEqualTo(new Plan(3, "int8"));
  }

  @Test
  void observe_blocksBeyondTheModel_throwsNamingTheBlocks() {
    ModelProfile profile = TestingScenarios.stepProfile();
    PartnnerPlanner planner = planner(profile, CodecSizes.rawOnly(profile), PlannerSettings.DEFAULT);

    assertThatThrownBy(() -> planner.observe(new Observation.BlocksTimed(Side.CLOUD, 4, List.of(1L, 2L, 3L), 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3 blocks from cut 4")
        .hasMessageContaining("6 blocks");
  }

  /** A planner that served 200 requests of the noiseless step world, and is on cut 3; changes cleared. */
  private PartnnerPlanner convergedOnCut3() {
    TestingWorld world = TestingScenarios.stepWorld(ticker, SEED, 0);
    ModelProfile profile = TestingScenarios.stepProfile();
    PartnnerPlanner planner = planner(profile, CodecSizes.rawOnly(profile), PlannerSettings.DEFAULT);
    for (int request = 0; request < 200; request++) {
      world.serve(planner);
    }
    assertThat(planner.currentPlan()).isEqualTo(new Plan(3, "raw"));
    changes.clear();
    return planner;
  }

  private PartnnerPlanner planner(ModelProfile profile, CodecSizes sizes, PlannerSettings settings) {
    return new PartnnerPlanner(profile, sizes, settings, ticker, changes::add);
  }

  /** Requests served until one is served at the oracle's plan (that one included), at most {@code limit}. */
  private static int servedUntilOracle(TestingWorld world, Strategy strategy, int limit) {
    for (int served = 1; served <= limit; served++) {
      Plan best = new Oracle(world, world.allPlans()).plan(0);
      if (world.serve(strategy).plan().equals(best)) {
        return served;
      }
    }
    return Integer.MAX_VALUE;
  }
}
