package io.partnner.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.time.TestingTicker;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

final class OracleTest {
  private static final long SEED = 99_1234L;

  @Test
  void plan_timeDependentTruth_isTheArgminAtThatTime() {
    List<Plan> candidates = List.of(new Plan(0, "raw"), new Plan(1, "raw"), new Plan(1, "lz4"), new Plan(2, "raw"));
    // Before t = 1000 the best is (1, lz4); from then on cut 2.
    TruthSource truth = (plan, at) -> {
      long best = at < 1000 ? 1 : 2;
      return 10 + 5 * Math.abs(plan.cut() - best) + (plan.codec().equals("lz4") ? -1 : 0);
    };
    Oracle oracle = new Oracle(truth, candidates);

    assertThat(oracle.plan(0)).isEqualTo(new Plan(1, "lz4"));
    assertThat(oracle.plan(1000)).isEqualTo(new Plan(2, "raw"));
    assertThat(oracle.name()).isEqualTo("oracle");
    assertThatThrownBy(() -> new Oracle(truth, List.of())).hasMessageContaining("at least one candidate");
  }

  @Test
  void plan_randomScenariosWithoutNoise_nothingBeatsTheOracle() {
    Random random = new Random(SEED);
    for (int scenario = 0; scenario < 25; scenario++) {
      Scenario s = Scenario.random(random);
      long oracleTotal = total(s, world -> new Oracle(world, world.allPlans()), true);
      List<Function<TestingWorld, Strategy>> strategies = List.of(
          world -> new PartnnerPlanner(s.profile, s.sizes, PlannerSettings.DEFAULT, s.ticker, PlanListener.NONE),
          world -> new EdgeOnly(s.profile),
          world -> new CloudOnly(s.profile, s.sizes, PlannerSettings.DEFAULT, s.ticker),
          world -> new FixedCut(s.fixedCut, "raw"),
          world -> new NeurosurgeonStyle(s.profile, s.sizes, PlannerSettings.DEFAULT, s.ticker));
      for (Function<TestingWorld, Strategy> strategy : strategies) {
        assertThat(total(s, strategy, false)).as("scenario %d", scenario).isGreaterThanOrEqualTo(oracleTotal);
      }
    }
  }

  /**
   * Total latency of 100 requests of a fresh world; every request's latency is checked against the least
   * true latency (and, for the oracle, found equal to it: the world and its truth agree).
   */
  private static long total(Scenario s, Function<TestingWorld, Strategy> factory, boolean isOracle) {
    s.ticker = new TestingTicker();
    TestingWorld world = s.world();
    Strategy strategy = factory.apply(world);
    long least = world.bestTrueLatencyNanos(world.allPlans());
    long total = 0;
    for (int request = 0; request < 100; request++) {
      TestingWorld.Served served = world.serve(strategy);
      assertThat(served.latencyNanos()).isGreaterThanOrEqualTo(least - 1000);
      if (isOracle) {
        assertThat(served.latencyNanos()).isCloseTo(least, org.assertj.core.data.Offset.offset(1000L));
      }
      total += served.latencyNanos();
    }
    return total + 1000L * 100;
  }

  /** A random small model, link and load; {@code ticker} is replaced for every run. */
  private static final class Scenario {
    ModelProfile profile;
    CodecSizes sizes;
    double[] edge;
    double[] cloud;
    double upMbps;
    double downMbps;
    long rttNanos;
    int queue;
    int fixedCut;
    TestingTicker ticker;

    static Scenario random(Random random) {
      Scenario s = new Scenario();
      int blocks = 2 + random.nextInt(6);
      long[] crossing = new long[blocks];
      double[] flops = new double[blocks];
      s.edge = new double[blocks];
      s.cloud = new double[blocks];
      double ratio = 2 + 18 * random.nextDouble();
      crossing[0] = 150_528;
      for (int block = 0; block < blocks; block++) {
        if (block > 0) {
          crossing[block] = 5_000 + random.nextInt(500_000);
        }
        flops[block] = 1e8 + 1e9 * random.nextDouble();
        s.edge[block] = 1e6 * (5 + 35 * random.nextDouble());
        s.cloud[block] = s.edge[block] / ratio * (0.7 + 0.6 * random.nextDouble());
      }
      s.profile = TestingProfiles.profile(crossing, flops, 4 * (1 + random.nextInt(2000)));
      int lossyCut = random.nextInt(blocks);
      s.sizes = CodecSizes.builder(s.profile)
          .size(0, "lz4", (long) (crossing[0] * 0.6), 0).cost("lz4", 1, 0.5)
          .size(lossyCut, "int8", Math.max(1, crossing[lossyCut] / 4), 0.01)
          .build();
      s.upMbps = 1 + 49 * random.nextDouble();
      s.downMbps = 1 + 49 * random.nextDouble();
      s.rttNanos = (long) (1e6 * (5 + 55 * random.nextDouble()));
      s.queue = random.nextInt(4);
      s.fixedCut = random.nextInt(blocks + 1);
      return s;
    }

    TestingWorld world() {
      return new TestingWorld(profile, sizes, edge, cloud, ticker, 1, 0).link(upMbps, downMbps, rttNanos)
          .load(queue, 10_000_000);
    }
  }
}
