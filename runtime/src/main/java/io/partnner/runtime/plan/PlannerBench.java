package io.partnner.runtime.plan;

import io.partnner.runtime.link.Direction;
import io.partnner.runtime.model.CutPoint;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.wire.WireCodecs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Measures how long one re-plan of {@link PartnnerPlanner} takes on a synthetic model. */
public final class PlannerBench {
  private PlannerBench() {}

  /**
   * The median wall-clock nanoseconds of one re-plan (gathering the estimates, evaluating every candidate,
   * choosing neighbours) over {@code rounds} re-plans, after as many for warm-up.
   *
   * @param cuts candidate cuts of the synthetic model, edge-only included (at least 2)
   * @param codecs codecs measured at every cut, the first ones of {@link WireCodecs#names()}; all allowed
   * @param rounds re-plans to time
   * @param seed seed of the synthetic sizes and timings
   */
  public static long decisionNanos(int cuts, int codecs, int rounds, long seed) {
    List<String> names = WireCodecs.names();
    if (cuts < 2 || codecs < 1 || codecs > names.size() || rounds < 1) {
      throw new IllegalArgumentException(
          "need cuts >= 2, codecs in 1.." + names.size() + " and rounds >= 1; got " + cuts + ", " + codecs + ", "
              + rounds);
    }
    Random random = new Random(seed);
    ModelProfile profile = syntheticProfile(cuts, random);
    CodecSizes.Builder sizes = CodecSizes.builder(profile);
    for (int cut = 0; cut < cuts - 1; cut++) {
      long raw = profile.cuts().get(cut).crossingBytes();
      for (int codec = 1; codec < codecs; codec++) {
        sizes.size(cut, names.get(codec), Math.max(1, (long) (raw * (0.2 + 0.6 * random.nextDouble()))), 1e-3);
      }
    }
    long[] clock = {0};
    PartnnerPlanner planner = new PartnnerPlanner(
        profile, sizes.build(), PlannerSettings.DEFAULT.withMaxCodecError(1e-2), () -> clock[0], PlanListener.NONE);
    int blocks = cuts - 1;
    int split = blocks / 2;
    // Half the blocks measured on each side, and a known link, as in steady serving.
    for (int round = 0; round < 5; round++) {
      clock[0] += 50_000_000;
      planner.observe(new Observation.BlocksTimed(Side.EDGE, 0, times(split, 400_000, random), clock[0]));
      planner.observe(new Observation.BlocksTimed(Side.CLOUD, split, times(blocks - split, 50_000, random), clock[0]));
      planner.observe(new Observation.TransferTimed(Direction.UP, 64, clock[0], clock[0] + 20_000_000));
      planner.observe(
          new Observation.TransferTimed(Direction.UP, 100_000, clock[0] + 20_000_000, clock[0] + 60_000_000));
    }
    long[] samples = new long[rounds];
    for (int round = -rounds; round < rounds; round++) {
      long start = System.nanoTime();
      planner.replan(PlanTrigger.PROFILE_UPDATED);
      long elapsed = System.nanoTime() - start;
      if (round >= 0) {
        samples[round] = elapsed;
      }
    }
    Arrays.sort(samples);
    return samples[rounds / 2];
  }

  private static List<Long> times(int count, long mean, Random random) {
    List<Long> times = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      times.add((long) (mean * (0.5 + random.nextDouble())));
    }
    return times;
  }

  private static ModelProfile syntheticProfile(int cuts, Random random) {
    List<CutPoint> points = new ArrayList<>(cuts);
    List<Double> flops = new ArrayList<>(cuts - 1);
    double total = 0;
    for (int block = 0; block < cuts - 1; block++) {
      double blockFlops = 1e6 + random.nextDouble() * 1e8;
      flops.add(blockFlops);
      total += blockFlops;
    }
    double before = 0;
    for (int cut = 0; cut < cuts; cut++) {
      List<TensorSpec> crossing = cut == cuts - 1
          ? List.of()
          : List.of(new TensorSpec("t" + cut, DataType.FLOAT32, List.of(1L, 64L, 8L + random.nextInt(64), 32L)));
      points.add(new CutPoint(cut, cut, crossing, true, before / total));
      if (cut < cuts - 1) {
        before += flops.get(cut);
      }
    }
    TensorSpec input = new TensorSpec("input", DataType.FLOAT32, List.of(1L, 3L, 224L, 224L));
    TensorSpec output = new TensorSpec("output", DataType.FLOAT32, List.of(1L, 1000L));
    return new ModelProfile("bench-" + cuts, "none", List.of(input), List.of(output), points, flops);
  }
}
