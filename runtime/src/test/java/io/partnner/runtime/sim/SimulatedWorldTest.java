package io.partnner.runtime.sim;

import static io.partnner.runtime.sim.TestingProfiles.MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.partnner.runtime.link.BandwidthTrace;
import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.plan.Strategy;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Truth, oracle, steps and runs of the simulated world on a hand-made three-block profile. */
final class SimulatedWorldTest {
  private static final LinkSpec LINK = LinkSpec.constant(8, 16, Duration.ofMillis(40));

  private static Scenario quiet() {
    return Scenario.of(TestingProfiles.threeBlocks(), 4, LINK).withNoise(false).withProbes(false);
  }

  @Test
  void trueLatencyNanos_handComputedPlans_matchTheLatencyModel() {
    SimulatedWorld world = new SimulatedWorld(quiet());
    // Edge 4 x 10 ms + encode 4 x 1 ms; up 20 ms + 800,000 bits at 8 Mbit/s; decode 0.5 + 20 + 30 ms; down 20 + 2 ms.
    assertThat(world.trueLatencyNanos(new Plan(1, "raw"), 0)).isEqualTo(236_500_000L);
    assertThat(world.trueLatencyNanos(new Plan(0, "raw"), 0)).isEqualTo(1_102 * MS);
    assertThat(world.trueLatencyNanos(new Plan(0, "lz4"), 0)).isEqualTo(611 * MS);
    assertThat(world.trueLatencyNanos(new Plan(2, "raw"), 0)).isEqualTo(202 * MS);
    assertThat(world.trueLatencyNanos(new Plan(3, "raw"), 0)).isEqualTo(240 * MS);
    assertThat(world.oraclePlan(0)).isEqualTo(new Plan(2, "raw"));
  }

  @Test
  void trueLatencyNanos_cloudLoad_addsQueuedRequestsTimesServiceTime() {
    SimulatedWorld world = new SimulatedWorld(quiet().withLoadSteps(List.of(new LoadStep(0, 3))));
    // Three other requests of the whole model's 60 ms each wait ahead.
    assertThat(world.trueLatencyNanos(new Plan(1, "raw"), 0)).isEqualTo(416_500_000L);
    assertThat(world.oraclePlan(0)).isEqualTo(new Plan(3, "raw"));
  }

  @Test
  void candidatePlans_lossyCodecs_onlyWithinTheErrorBound() {
    assertThat(new SimulatedWorld(quiet()).candidatePlans()).containsExactly(new Plan(0, "raw"), new Plan(0, "lz4"),
        new Plan(1, "raw"), new Plan(2, "raw"), new Plan(3, "raw"));
    SimulatedWorld lossy = new SimulatedWorld(quiet().withMaxCodecError(0.02));
    assertThat(lossy.candidatePlans()).contains(new Plan(1, "int8"));
    assertThat(lossy.oraclePlan(0)).isEqualTo(new Plan(1, "int8"));
    assertThat(lossy.oracleLatencyNanos(0)).isEqualTo(176_500_000L);
  }

  @Test
  void trueLatencyNanos_unknownCodecOrCut_failsNamingIt() {
    SimulatedWorld world = new SimulatedWorld(quiet());
    assertThatThrownBy(() -> world.trueLatencyNanos(new Plan(2, "zstd"), 0)).hasMessageContaining("zstd");
    assertThatThrownBy(() -> world.trueLatencyNanos(new Plan(4, "raw"), 0)).hasMessageContaining("edge-only cut 3");
  }

  @Test
  void run_noNoise_eachLatencyIsTheTrueLatency() {
    SimulatedWorld world = new SimulatedWorld(quiet().withRequests(50));
    for (Plan plan : world.candidatePlans()) {
      StrategyRun run = world.run(new TestingStrategies.Fixed("fixed", plan));
      for (int i = 0; i < run.requests(); i++) {
        assertThat(run.latencyNanos(i)).as("%s request %d", plan, i).isCloseTo(run.trueLatencyNanos(i), within(2L));
      }
    }
  }

  @Test
  void run_fixedCutWithNoise_meanIsTheAnalyticMean() {
    SimulatedWorld world = new SimulatedWorld(quiet().withNoise(true).withRequests(3000));
    StrategyRun run = world.run(new TestingStrategies.Fixed("cut 1", new Plan(1, "raw")));
    assertThat(run.meanLatencyNanos()).isCloseTo(236.5e6, within(0.01 * 236.5e6));
    assertThat(run.meanTrueLatencyNanos()).isEqualTo(236.5e6);
    assertThat(run.p95LatencyNanos()).isGreaterThan(236_500_000L);
  }

  @Test
  void run_sameSeed_identicalResults_otherSeed_otherResults() {
    Scenario scenario = Scenario.of(TestingProfiles.threeBlocks(), 4, LinkSpec.trace(steppedTrace(7), Duration.ofMillis(30)))
        .withArrivals(Arrivals.poisson(Duration.ofMillis(150)))
        .withLoadSteps(List.of(new LoadStep(20_000 * MS, 2)))
        .withRequests(5000);
    StrategyRun first = new SimulatedWorld(scenario).run(new TestingStrategies.Fixed("cut 2", new Plan(2, "raw")));
    StrategyRun second = new SimulatedWorld(scenario).run(new TestingStrategies.Fixed("cut 2", new Plan(2, "raw")));
    StrategyRun other =
        new SimulatedWorld(scenario.withSeed(2)).run(new TestingStrategies.Fixed("cut 2", new Plan(2, "raw")));
    assertThat(second.startTimes()).isEqualTo(first.startTimes());
    for (int i = 0; i < first.requests(); i++) {
      assertThat(second.latencyNanos(i)).isEqualTo(first.latencyNanos(i));
    }
    assertThat(second.observations()).isEqualTo(first.observations());
    assertThat(other.meanLatencyNanos()).isNotEqualTo(first.meanLatencyNanos());
  }

  @Test
  void run_loadStep_convergenceCountsTheRequestsUntilWithinFivePercentOfTheOracle() {
    long step = 5_000 * MS;
    SimulatedWorld world = new SimulatedWorld(quiet().withRequests(60).withLoadSteps(List.of(new LoadStep(step, 3))));
    int[] afterStep = new int[1];
    // Keeps cut 2 for three requests after the step, then follows the oracle.
    Strategy lagging = new TestingStrategies.ByTime("lagging", now -> {
      if (now >= step && afterStep[0]++ < 3) {
        return new Plan(2, "raw");
      }
      return world.oraclePlan(now);
    });
    StrategyRun run = world.run(lagging);
    assertThat(run.convergence()).hasSize(2);
    Convergence start = run.convergence().get(0);
    assertThat(start.step().kind()).isEqualTo(StepChange.Kind.START);
    assertThat(start.converged()).isTrue();
    assertThat(start.inferences()).isZero();
    assertThat(start.nanos()).isZero();
    Convergence load = run.convergence().get(1);
    assertThat(load.step()).isEqualTo(new StepChange(step, StepChange.Kind.LOAD));
    int firstAfter = 0;
    while (run.startNanos(firstAfter) < step) {
      firstAfter++;
    }
    assertThat(load.converged()).isTrue();
    assertThat(load.inferences()).isEqualTo(3);
    assertThat(load.nanos()).isEqualTo(run.startNanos(firstAfter + 3) - step);
    assertThat(load.requests()).isEqualTo(60 - firstAfter);
  }

  @Test
  void run_requestRunningIntoTheNextStep_isNotJudgedAgainstAnOracleThatSawItComing() {
    long step = 4_900 * MS;
    SimulatedWorld unloaded = new SimulatedWorld(quiet().withRequests(40));
    SimulatedWorld world = new SimulatedWorld(quiet().withRequests(40).withLoadSteps(List.of(new LoadStep(step, 3))));
    // Plans for the conditions it has seen: the best plan without load until the step, then the best with it.
    Strategy causal = new TestingStrategies.ByTime("causal", now -> (now < step ? unloaded : world).oraclePlan(now));

    StrategyRun run = world.run(causal);

    // Request 24 starts at 4,848 ms on cut 2 (202 ms unloaded) but reaches the cloud after the step and waits
    // for three 60 ms requests: 382 ms. The oracle, seeing the load coming, would have stayed on the edge.
    assertThat(run.startNanos(24)).isEqualTo(4_848 * MS);
    assertThat(run.trueLatencyNanos(24)).isEqualTo(382 * MS);
    assertThat(run.oracleLatencyNanos(24)).isEqualTo(240 * MS);
    assertThat(run.convergence()).hasSize(2).allSatisfy(c -> {
      assertThat(c.converged()).isTrue();
      assertThat(c.inferences()).isZero();
    });
    assertThat(run.convergence().get(0).requests()).isEqualTo(25);
  }

  @Test
  void run_exploratoryDetours_doNotCountAgainstConvergence() {
    long step = 5_000 * MS;
    SimulatedWorld world = new SimulatedWorld(quiet().withRequests(60).withLoadSteps(List.of(new LoadStep(step, 3))));
    int[] served = new int[1];
    // Follows the oracle, but every tenth request detours to cut 2 while the oracle's plan stays in force.
    Strategy exploring = new Strategy() {
      private Plan inForce;

      @Override
      public String name() {
        return "exploring";
      }

      @Override
      public Plan plan(long now) {
        inForce = world.oraclePlan(now);
        return served[0]++ % 10 == 9 ? new Plan(2, "raw") : inForce;
      }

      @Override
      public void observe(io.partnner.runtime.plan.Observation observation) {}

      @Override
      public java.util.Optional<Plan> planInForce() {
        return java.util.Optional.ofNullable(inForce);
      }
    };
    StrategyRun run = world.run(exploring);
    assertThat(run.convergence()).allSatisfy(c -> {
      assertThat(c.converged()).isTrue();
      assertThat(c.inferences()).isZero();
    });
  }

  @Test
  void run_testOracle_choosesTheLeastTrueLatencyAndNoFixedPlanBeatsItOnAverage() {
    for (long seed = 1; seed <= 4; seed++) {
      Scenario scenario = Scenario.of(TestingProfiles.threeBlocks(), 1 + seed * 3,
              LinkSpec.trace(steppedTrace(seed), Duration.ofMillis(10 * seed)))
          .withNoise(false).withProbes(false).withRequests(400).withSeed(seed)
          .withLoadSteps(List.of(new LoadStep(10_000 * MS, (int) seed), new LoadStep(30_000 * MS, 0)));
      SimulatedWorld world = new SimulatedWorld(scenario);
      StrategyRun oracle = world.run(TestingStrategies.oracle(world));
      for (int i = 0; i < oracle.requests(); i++) {
        assertThat(oracle.trueLatencyNanos(i)).isEqualTo(oracle.oracleLatencyNanos(i));
      }
      for (Plan plan : world.candidatePlans()) {
        StrategyRun fixed = world.run(new TestingStrategies.Fixed("fixed", plan));
        assertThat(fixed.meanTrueLatencyNanos()).as("seed %d, %s", seed, plan)
            .isGreaterThanOrEqualTo(fixed.meanOracleLatencyNanos());
        // Closed loop without noise or probes: nothing queues, so the run meets exactly the truth.
        assertThat(fixed.meanLatencyNanos()).isCloseTo(fixed.meanTrueLatencyNanos(), within(0.002 * fixed.meanTrueLatencyNanos()));
      }
      Plan best = world.bestStaticPlan(oracle.startTimes());
      assertThat(world.candidatePlans()).contains(best);
    }
  }

  @Test
  void steps_traceAndLoad_listsEveryChangeInTimeOrder() {
    BandwidthTrace trace = BandwidthTrace.parse("test", "t_s,mbps\n0,10\n1,10\n2,5\n3,5\n");
    Scenario scenario = Scenario.of(TestingProfiles.threeBlocks(), 4, LinkSpec.trace(trace, Duration.ofMillis(20)))
        .withLoadSteps(List.of(new LoadStep(0, 1), new LoadStep(3_000 * MS, 1), new LoadStep(5_000 * MS, 0)));
    List<StepChange> steps = new SimulatedWorld(scenario).steps(7_000 * MS);
    assertThat(steps).containsExactly(
        new StepChange(0, StepChange.Kind.START),
        new StepChange(2_000 * MS, StepChange.Kind.BANDWIDTH),
        new StepChange(4_000 * MS, StepChange.Kind.BANDWIDTH),
        new StepChange(5_000 * MS, StepChange.Kind.LOAD),
        new StepChange(6_000 * MS, StepChange.Kind.BANDWIDTH));
  }

  /** A looped trace of 40 half-second rows between 0.5 and 40 Mbit/s, drawn from {@code seed}. */
  static BandwidthTrace steppedTrace(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder text = new StringBuilder("t_s,mbps\n");
    for (int row = 0; row < 40; row++) {
      text.append(row * 0.5).append(',').append(0.5 + random.nextDouble() * 39.5).append('\n');
    }
    return BandwidthTrace.parse("stepped trace " + seed, text.toString());
  }
}
