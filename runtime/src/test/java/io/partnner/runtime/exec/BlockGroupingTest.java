package io.partnner.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnner.runtime.model.CutPoint;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.model.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class BlockGroupingTest {
  /** Cuts with the given crossing sizes (floats) and the given FLOPs per block. */
  private static ModelProfile profile(long[] crossingFloats, double[] blockFlops) {
    List<CutPoint> cuts = new ArrayList<>();
    for (int i = 0; i < crossingFloats.length; i++) {
      List<TensorSpec> crossing = i == crossingFloats.length - 1 ? List.of()
          : List.of(new TensorSpec("t" + i, DataType.FLOAT32, List.of(crossingFloats[i])));
      cuts.add(new CutPoint(i, i, crossing, true, 0));
    }
    List<Double> flops = new ArrayList<>();
    for (double value : blockFlops) {
      flops.add(value);
    }
    TensorSpec input = new TensorSpec("t0", DataType.FLOAT32, List.of(crossingFloats[0]));
    return new ModelProfile("m", "h", List.of(input), List.of(), cuts, flops);
  }

  @Test
  void of_convBatchNormRelu_skipsTheCutsInside() {
    // cut 1 = conv output, 2 = bn output, 3 = relu output (same size, tiny work between), 4 = next conv.
    ModelProfile profile = profile(new long[] {100, 400, 400, 400, 50, 0}, new double[] {1000, 1, 1, 500, 10});
    BlockGrouping grouping = BlockGrouping.of(profile, ExecutorSettings.defaults());
    assertThat(grouping.boundaries()).containsExactly(0, 3, 4, 5);
    assertThat(grouping.piecesBetween(1, 5)).containsExactly(new int[] {1, 3}, new int[] {3, 4}, new int[] {4, 5});
  }

  @Test
  void of_zeroShare_keepsEveryCut() {
    ModelProfile profile = profile(new long[] {100, 400, 400, 400, 50, 0}, new double[] {1000, 1, 1, 500, 10});
    BlockGrouping grouping = BlockGrouping.of(profile, ExecutorSettings.defaults().withGroupFlopShare(0));
    assertThat(grouping.boundaries()).containsExactly(0, 1, 2, 3, 4, 5);
  }

  @Test
  void coarsen_shortPieces_areMergedUntilLongEnough() {
    ModelProfile profile = profile(new long[] {9, 8, 7, 6, 5, 4, 0}, new double[] {1, 1, 1, 1, 1, 1});
    BlockGrouping fine = BlockGrouping.of(profile, ExecutorSettings.defaults().withGroupFlopShare(0));
    BlockGrouping coarse = fine.coarsen(new double[] {0.4e6, 0.4e6, 1.5e6, 0.5e6, 3e6, 0.1e6}, 1_000_000);
    assertThat(coarse.boundaries()).containsExactly(0, 3, 5, 6);
  }

  @Test
  void coarsen_unknownBlocks_keepTheirBoundaries() {
    ModelProfile profile = profile(new long[] {9, 8, 7, 6, 5, 0}, new double[] {1, 1, 1, 1, 1});
    BlockGrouping fine = BlockGrouping.of(profile, ExecutorSettings.defaults().withGroupFlopShare(0));
    BlockGrouping coarse = fine.coarsen(new double[] {0.1e6, 0.1e6, Double.NaN, Double.NaN, 0.1e6}, 1_000_000);
    assertThat(coarse.boundaries()).containsExactly(0, 2, 3, 4, 5);
  }
}
