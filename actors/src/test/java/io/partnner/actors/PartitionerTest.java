package io.partnner.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnner.runtime.link.Direction;
import io.partnner.runtime.plan.CodecSizes;
import io.partnner.runtime.plan.FixedCut;
import io.partnner.runtime.plan.Observation;
import io.partnner.runtime.plan.PartnnerPlanner;
import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.plan.PlannerSettings;
import io.partnner.runtime.time.Ticker;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The partitioner: plans to subscribers, edge-only while the path is down and back when a transfer completes. */
class PartitionerTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final TestingModel MODEL = new TestingModel("planned", 0);
  private static final Plan EDGE_ONLY = new Plan(3, CodecSizes.RAW);

  @AfterAll
  static void down() {
    testKit.shutdownTestKit();
  }

  private static EdgeGateway.PlanChanged planChanged(TestProbe<EdgeGateway.Command> gateway) {
    return gateway.expectMessageClass(EdgeGateway.PlanChanged.class);
  }

  @Test
  void aSubscriberGetsThePlanInForceThenEdgeOnlyWhileThePathIsDownThenThePlanAgain() {
    ActorRef<Partitioner.Command> partitioner = testKit.spawn(Partitioner.create(
        listener -> new FixedCut(1, CodecSizes.RAW), EDGE_ONLY, Ticker.system()));
    TestProbe<EdgeGateway.Command> gateway = testKit.createTestProbe();
    partitioner.tell(new Partitioner.Subscribe(gateway.getRef()));
    assertThat(planChanged(gateway).plan()).isEqualTo(new Plan(1, CodecSizes.RAW));
    partitioner.tell(new Partitioner.PathDown("no answer within 1000 ms"));
    EdgeGateway.PlanChanged down = planChanged(gateway);
    assertThat(down.plan()).isEqualTo(EDGE_ONLY);
    assertThat(down.trigger()).isEqualTo("PATH_DOWN");
    // A second report while down changes nothing.
    partitioner.tell(new Partitioner.PathDown("again"));
    gateway.expectNoMessage(java.time.Duration.ofMillis(100));
    long now = System.nanoTime();
    partitioner.tell(new Partitioner.Observe(new Observation.TransferTimed(Direction.UP, 64, now - 20_000_000, now)));
    EdgeGateway.PlanChanged back = planChanged(gateway);
    assertThat(back.plan()).isEqualTo(new Plan(1, CodecSizes.RAW));
    assertThat(back.trigger()).isEqualTo("PATH_BACK");
  }

  @Test
  void partnnersPlannerReportsItsPredictionAndAnOddObservationDoesNotStopIt() {
    ActorRef<Partitioner.Command> partitioner = testKit.spawn(Partitioner.create(
        listener -> new PartnnerPlanner(MODEL.profile(), CodecSizes.rawOnly(MODEL.profile()), PlannerSettings.DEFAULT,
            Ticker.system(), listener), EDGE_ONLY, Ticker.system()));
    // Blocks from a cut the model does not have: refused by the planner, ignored by the partitioner.
    partitioner.tell(new Partitioner.Observe(new Observation.BlocksTimed(
        io.partnner.runtime.plan.Side.EDGE, 2, List.of(1L, 2L, 3L), System.nanoTime())));
    TestProbe<Partitioner.Status> status = testKit.createTestProbe();
    partitioner.tell(new Partitioner.GetStatus(status.getRef()));
    Partitioner.Status answer = status.receiveMessage();
    assertThat(answer.strategy()).isEqualTo("partnner");
    assertThat(answer.predicted()).isPresent();
    assertThat(answer.stats()).isPresent();
    assertThat(answer.plan().cut()).isBetween(0, 3);
  }

  /** A strategy that keeps one cloud plan and expects of it what the test says. */
  private static final class ExpectingStrategy implements io.partnner.runtime.plan.Strategy {
    volatile double cloudNanos = 100e6;

    @Override
    public String name() {
      return "expecting";
    }

    @Override
    public Plan plan(long nowNanos) {
      return new Plan(1, CodecSizes.RAW);
    }

    @Override
    public void observe(Observation observation) {}

    @Override
    public java.util.Optional<io.partnner.runtime.plan.Prediction> predicted(Plan plan) {
      return java.util.Optional.of(new io.partnner.runtime.plan.Prediction(
          new io.partnner.runtime.plan.LatencyBreakdown(0, 0, 0, 0, 0, cloudNanos, 0, 0), 10e6));
    }
  }

  @Test
  void thePredictionTravelsWithThePlan_andAgainWhenItMovesByMoreThanATenth_butNotForEdgeOnly() {
    ExpectingStrategy strategy = new ExpectingStrategy();
    ActorRef<Partitioner.Command> partitioner = testKit.spawn(Partitioner.create(listener -> strategy, EDGE_ONLY,
        Ticker.system()));
    TestProbe<EdgeGateway.Command> gateway = testKit.createTestProbe();
    partitioner.tell(new Partitioner.Subscribe(gateway.getRef()));
    EdgeGateway.PlanChanged start = planChanged(gateway);
    assertThat(start.predicted()).get().extracting(p -> p.latency().cloudNanos()).isEqualTo(100e6);
    long now = System.nanoTime();
    Observation anything = new Observation.LoadReported("c1", 0, 1_000_000, now);

    partitioner.tell(new Partitioner.Observe(anything));
    gateway.expectNoMessage(java.time.Duration.ofMillis(100));
    strategy.cloudNanos = 105e6;
    partitioner.tell(new Partitioner.Observe(anything));
    gateway.expectNoMessage(java.time.Duration.ofMillis(100));
    strategy.cloudNanos = 150e6;
    partitioner.tell(new Partitioner.Observe(anything));
    assertThat(gateway.expectMessageClass(EdgeGateway.Predicted.class).predicted())
        .get().extracting(p -> p.latency().cloudNanos()).isEqualTo(150e6);

    partitioner.tell(new Partitioner.PathDown("no answer"));
    assertThat(planChanged(gateway).predicted()).isEmpty();
    strategy.cloudNanos = 500e6;
    partitioner.tell(new Partitioner.Observe(anything));
    gateway.expectNoMessage(java.time.Duration.ofMillis(100));
  }
}
