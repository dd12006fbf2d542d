package io.partnner.runtime.plan;

import io.partnner.runtime.model.CutPoint;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.model.TensorSpec;
import java.util.ArrayList;
import java.util.List;

/** Hand-made model profiles: one crossing tensor of a given size per cut, a result of a given size. */
final class TestingProfiles {
  private TestingProfiles() {}

  /**
   * A profile with {@code crossingBytes.length + 1} cuts (the last edge-only) and one block per cut.
   *
   * @param crossingBytes bytes crossing cut i (cut 0: the uint8 input)
   * @param blockFlops FLOPs of block i, one per entry of crossingBytes
   * @param resultBytes bytes of the float32 output (a multiple of 4)
   */
  static ModelProfile profile(long[] crossingBytes, double[] blockFlops, long resultBytes) {
    if (crossingBytes.length != blockFlops.length) {
      throw new IllegalArgumentException("one crossing size per block, got " + crossingBytes.length + " and "
          + blockFlops.length);
    }
    List<CutPoint> cuts = new ArrayList<>();
    List<Double> flops = new ArrayList<>();
    double total = 0;
    for (double f : blockFlops) {
      total += f;
    }
    double before = 0;
    TensorSpec input = new TensorSpec("input", DataType.UINT8, List.of(crossingBytes[0]));
    for (int cut = 0; cut < crossingBytes.length; cut++) {
      TensorSpec crossing = cut == 0 ? input : new TensorSpec("t" + cut, DataType.UINT8, List.of(crossingBytes[cut]));
      cuts.add(new CutPoint(cut, cut, List.of(crossing), true, total == 0 ? 0 : before / total));
      before += blockFlops[cut];
      flops.add(blockFlops[cut]);
    }
    cuts.add(new CutPoint(crossingBytes.length, crossingBytes.length, List.of(), true, 1));
    TensorSpec output = new TensorSpec("output", DataType.FLOAT32, List.of(resultBytes / 4));
    return new ModelProfile("testing", "hash", List.of(input), List.of(output), cuts, flops);
  }

  /** The same FLOPs for every block: a prior that ranks blocks wrongly whenever their times differ. */
  static double[] uniformFlops(int blocks, double flops) {
    double[] all = new double[blocks];
    java.util.Arrays.fill(all, flops);
    return all;
  }
}
