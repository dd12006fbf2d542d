package io.partnner.runtime.sim;

import static io.partnner.runtime.sim.TestingProfiles.MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.partnner.runtime.link.Direction;
import io.partnner.runtime.plan.Observation;
import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.plan.Side;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Strategies learn only from timings, bytes and queue lengths, never from the emulated settings. */
final class ObservationsTest {
  @Test
  void observationTypes_carryNoRatesOrFactors() {
    Set<Class<?>> allowed = Set.of(long.class, int.class, List.class, Side.class, Direction.class, String.class, Plan.class,
        OptionalLong.class);
    for (Class<?> type : Observation.class.getPermittedSubclasses()) {
      for (RecordComponent component : type.getRecordComponents()) {
        assertThat(allowed).as("%s.%s", type.getSimpleName(), component.getName()).contains(component.getType());
      }
    }
  }

  @Test
  void run_fixedCut_observesBlockTimesTransfersLoadAndAnswersInTimeOrder() {
    Scenario scenario = Scenario.of(TestingProfiles.threeBlocks(), 7, LinkSpec.constant(13.37, 17, Duration.ofMillis(30)))
        .withNoise(false).withRequests(20).withLoadSteps(List.of(new LoadStep(0, 2)));
    TestingStrategies.Fixed strategy = new TestingStrategies.Fixed("cut 1", new Plan(1, "raw"));
    new SimulatedWorld(scenario).run(strategy);
    long edgeBlocks = 0;
    long cloudBlocks = 0;
    long answers = 0;
    long loadReports = 0;
    long crossings = 0;
    for (Observation observation : strategy.observed) {
      if (observation instanceof Observation.BlocksTimed timed && timed.side() == Side.EDGE) {
        edgeBlocks++;
        // The edge's time for block 0 is what a 7x slower device takes; the factor itself is never told.
        assertThat(timed.blockNanos()).containsExactly(70 * MS);
      } else if (observation instanceof Observation.BlocksTimed timed) {
        cloudBlocks++;
        assertThat(timed.fromCut()).isEqualTo(1);
        assertThat(timed.blockNanos()).containsExactly(20 * MS, 30 * MS);
      } else if (observation instanceof Observation.TransferTimed transfer && transfer.bytes() == 100_000) {
        crossings++;
        assertThat(transfer.direction()).isEqualTo(Direction.UP);
        assertThat(transfer.completedNanos()).isGreaterThan(transfer.sentNanos());
      } else if (observation instanceof Observation.LoadReported load) {
        loadReports++;
        assertThat(load.queueLength()).isEqualTo(2);
        assertThat(load.meanServiceNanos()).isEqualTo(60 * MS);
      } else if (observation instanceof Observation.RequestCompleted) {
        answers++;
      }
    }
    assertThat(edgeBlocks).isEqualTo(20);
    assertThat(cloudBlocks).isEqualTo(20);
    assertThat(crossings).isEqualTo(20);
    assertThat(answers).isEqualTo(20);
    assertThat(loadReports).isPositive();
    assertThat(strategy.observed.stream().filter(o -> !(o instanceof Observation.TransferTimed)).mapToLong(Observation::atNanos))
        .isSorted();
  }

  @Test
  void run_edgeOnly_probesKeepTheLinkObservedAtABoundedCost() {
    Scenario scenario = Scenario.of(TestingProfiles.threeBlocks(), 2, LinkSpec.constant(10, 20, Duration.ofMillis(40)))
        .withRequests(200);
    TestingStrategies.Fixed strategy = new TestingStrategies.Fixed("edge-only", new Plan(3, "raw"));
    StrategyRun run = new SimulatedWorld(scenario).run(strategy);
    long upProbes = strategy.observed.stream()
        .filter(o -> o instanceof Observation.TransferTimed t && t.direction() == Direction.UP).count();
    assertThat(upProbes).isPositive();
    double seconds = run.startNanos(run.requests() - 1) / 1e9;
    // Probes may take at most a small share of the link (2% by default).
    assertThat(run.probeBytes(Direction.UP) * 8 / seconds).isLessThan(0.05 * 10e6);
  }
}
