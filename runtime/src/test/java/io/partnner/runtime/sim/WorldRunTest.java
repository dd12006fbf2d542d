package io.partnner.runtime.sim;

import static io.partnner.runtime.sim.TestingProfiles.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.partnner.runtime.link.BandwidthTrace;
import io.partnner.runtime.link.Direction;
import io.partnner.runtime.plan.LatencyBreakdown;
import io.partnner.runtime.plan.Observation;
import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.plan.Prediction;
import io.partnner.runtime.plan.Side;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Cloud deadlines in the simulated runs, worked by hand on the three-block profile at a 4x edge, cut 2 (10 kB
 * up), a 40 ms RTT and 8 Mbit/s: edge 120 ms, up 20 + 10 ms, tail 30 ms, down 20 + 4 ms, 204 ms in all. The
 * prediction is exactly that, so the cloud part is 84 ms and the edge fallback (the last block, 4 x 30 ms)
 * 120 ms: the edge waits 84 + 120 = 204 ms after sending.
 */
final class WorldRunTest {
  private static final Plan CUT_2 = new Plan(2, "raw");
  private static final Prediction EXACT = new Prediction(
      new LatencyBreakdown(120 * MS, 0, 40 * MS, 10 * MS, 0, 30 * MS, 4 * MS, 0), 120 * MS);

  /** 8 Mbit/s in half-second rows, except a dip to 10 kbit/s from 1.5 s to 2.5 s; looped every 3.5 s. */
  private static LinkSpec dippingLink() {
    BandwidthTrace trace = BandwidthTrace.parse("dip",
        "t_s,mbps\n0,8\n0.5,8\n1,8\n1.5,0.01\n2,0.01\n2.5,8\n3,8\n");
    return LinkSpec.trace(trace, Duration.ofMillis(40));
  }

  private static Scenario quiet(LinkSpec link) {
    return Scenario.of(TestingProfiles.threeBlocks(), 4, link).withNoise(false).withProbes(false).withRequests(8);
  }

  @Test
  void run_crossingStuckInADip_finishesOnTheEdgeAtTheDeadlinePlusTheTail() {
    TestingStrategies.Predicting strategy = new TestingStrategies.Predicting(CUT_2, EXACT);

    StrategyRun run = new SimulatedWorld(quiet(dippingLink())).run(strategy);

    // Requests 0..6 start every 204 ms; request 7 starts at 1,428 ms and sends at 1,548 ms, into the dip.
    for (int i = 0; i < 7; i++) {
      assertThat(run.latencyNanos(i)).as("request %d", i).isEqualTo(204 * MS);
      assertThat(run.fellBack(i)).isFalse();
    }
    assertThat(run.startNanos(7)).isEqualTo(1_428 * MS);
    // Edge 120 ms, the deadline 204 ms after sending, then the last block on the edge, 120 ms.
    assertThat(run.latencyNanos(7)).isEqualTo(444 * MS);
    assertThat(run.fellBack(7)).isTrue();
    assertThat(run.fallbacks()).isEqualTo(1);
    // Waiting it out would have taken until the dip ended: 1,154.81 ms.
    assertThat(run.trueLatencyNanos(7)).isEqualTo(1_154_810_000L);

    List<Observation.CloudOverdue> overdue = strategy.observed.stream()
        .filter(Observation.CloudOverdue.class::isInstance).map(Observation.CloudOverdue.class::cast).toList();
    assertThat(overdue).containsExactly(
        new Observation.CloudOverdue(CUT_2, 10_000, 1_548 * MS, OptionalLong.empty(), 1_752 * MS));
    // The edge reports the tail it ran, and never the late receipt of the abandoned crossing.
    assertThat(strategy.observed).contains(new Observation.BlocksTimed(Side.EDGE, 2, List.of(120 * MS), 1_872 * MS));
    assertThat(strategy.observed).noneMatch(o -> o instanceof Observation.TransferTimed t
        && t.direction() == Direction.UP && t.sentNanos() == 1_548 * MS);
  }

  @Test
  void run_noPrediction_waitsUpToTheConfiguredDeadline() {
    TestingStrategies.Fixed strategy = new TestingStrategies.Fixed("fixed", CUT_2);

    StrategyRun run = new SimulatedWorld(quiet(dippingLink())).run(strategy);

    // Under the 5 s ceiling the stuck request waits for its answer, like the oracle's truth says.
    assertThat(run.fallbacks()).isZero();
    assertThat(run.latencyNanos(7)).isEqualTo(run.trueLatencyNanos(7)).isEqualTo(1_154_810_000L);
  }

  @Test
  void run_answerLateAfterTheReceipt_reportsTheReceiptWithTheOverdue() {
    // From 1 s on three other requests of the whole model's 60 ms queue ahead: 180 ms the prediction lacks.
    Scenario scenario = quiet(LinkSpec.constant(8, 8, Duration.ofMillis(40)))
        .withLoadSteps(List.of(new LoadStep(1_000 * MS, 3)));
    TestingStrategies.Predicting strategy = new TestingStrategies.Predicting(CUT_2, EXACT);

    StrategyRun run = new SimulatedWorld(scenario).run(strategy);

    // Request 5 starts at 1,020 ms and sends at 1,140 ms; received at 1,190 ms, the rest (34 ms) plus its
    // margin (the 120 ms fallback) does not move the deadline past 1,344 ms; the answer would come at 1,404 ms.
    assertThat(run.startNanos(5)).isEqualTo(1_020 * MS);
    assertThat(run.fellBack(5)).isTrue();
    assertThat(run.latencyNanos(5)).isEqualTo(444 * MS);
    assertThat(strategy.observed).contains(
        new Observation.CloudOverdue(CUT_2, 10_000, 1_140 * MS, OptionalLong.of(1_190 * MS), 1_344 * MS));
  }
}
