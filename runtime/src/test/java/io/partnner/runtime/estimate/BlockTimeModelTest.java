package io.partnner.runtime.estimate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.partnner.runtime.model.CutPoint;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.time.TestingTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class BlockTimeModelTest {
  private static final long SEED = 424242L;
  private static final Duration STALE_AFTER = Duration.ofSeconds(30);
  private static final double[] FLOPS = {2e8, 4e8, 1e9, 6e8, 3e8, 8e8};

  private final TestingTicker ticker = new TestingTicker();

  @Test
  void speedRatio_edgeHeadAndCloudTailSharingOneBlock_learnsTrueRatioWithinTenPercent() {
    TestingNoise noise = TestingNoise.typical(SEED);
    int blocks = 12;
    double[] flops = new double[blocks];
    double[] cloudTruth = new double[blocks];
    for (int i = 0; i < blocks; i++) {
      flops[i] = noise.uniform(2e8, 2e9);
      // Per-block efficiency differs (operators are not all equally fast), the edge/cloud ratio does not.
      cloudTruth[i] = flops[i] * 0.004 * noise.uniform(0.7, 1.3);
    }
    BlockTimeModel model = model(flops);
    int cut = 6;
    for (int round = 0; round < 30; round++) {
      for (int block = 0; block <= cut; block++) {
        model.edge().record(block, noise.nanosAround(8 * cloudTruth[block]));
      }
      for (int block = cut; block < blocks; block++) {
        model.cloud().record(block, noise.nanosAround(cloudTruth[block]));
      }
      ticker.advance(Duration.ofMillis(100));
    }

    SpeedRatio ratio = model.speedRatio();
    assertThat(ratio.provenance()).isEqualTo(Provenance.MEASURED);
    assertThat(ratio.sharedBlocks()).isEqualTo(1);
    assertThat(ratio.edgeOverCloud()).isCloseTo(8, within(0.8));

    BlockTime edgeOfCloudBlock = model.edgeTime(9);
    assertThat(edgeOfCloudBlock.provenance()).isEqualTo(Provenance.CROSS_SIDE);
    assertThat(edgeOfCloudBlock.nanos()).isCloseTo(8 * cloudTruth[9], within(0.15 * 8 * cloudTruth[9]));
    BlockTime cloudOfEdgeBlock = model.cloudTime(2);
    assertThat(cloudOfEdgeBlock.provenance()).isEqualTo(Provenance.CROSS_SIDE);
    assertThat(cloudOfEdgeBlock.nanos()).isCloseTo(cloudTruth[2], within(0.15 * cloudTruth[2]));
    assertThat(model.edgeTime(cut).provenance()).isEqualTo(Provenance.MEASURED);
  }

  @Test
  void speedRatio_oneOddSharedBlock_medianFollowsTheOthers() {
    BlockTimeModel model = model(1e9, 1e9, 1e9, 1e9, 1e9);
    for (int block = 0; block < 5; block++) {
      model.cloud().record(block, 1_000_000);
      model.edge().record(block, block == 2 ? 30_000_000 : 8_000_000);
    }
    SpeedRatio ratio = model.speedRatio();
    assertThat(ratio.edgeOverCloud()).isEqualTo(8);
    assertThat(ratio.sharedBlocks()).isEqualTo(5);
  }

  @Test
  void edgeAndCloudTime_nothingMeasured_useConfiguredFlopsPrior() {
    BlockTimeModel model = model(FLOPS);
    BlockTime edge = model.edgeTime(2);
    assertThat(edge.nanos()).isCloseTo(1e9 * BlockTimeModel.Settings.DEFAULT.edgeNanosPerFlop(), within(1e-6));
    assertThat(edge.provenance()).isEqualTo(Provenance.FLOPS_PRIOR);
    assertThat(edge.ageNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(model.cloudTime(2).nanos())
        .isCloseTo(1e9 * BlockTimeModel.Settings.DEFAULT.cloudNanosPerFlop(), within(1e-6));
    SpeedRatio ratio = model.speedRatio();
    assertThat(ratio.edgeOverCloud()).isCloseTo(10, within(1e-9));
    assertThat(ratio.provenance()).isEqualTo(Provenance.FLOPS_PRIOR);
    assertThat(ratio.ageNanos()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void edgeTime_afterOneBlockMeasured_replacesPriorWithMeasurementAndLearnedSpeed() {
    BlockTimeModel model = model(FLOPS);
    model.edge().record(1, 12_000_000);
    ticker.advance(Duration.ofMillis(5));

    BlockTime measured = model.edgeTime(1);
    assertThat(measured).isEqualTo(new BlockTime(12_000_000, Provenance.MEASURED, 5_000_000));
    // 12 ms for 4e8 FLOPs is 0.03 ns per FLOP on the edge, not the configured 0.05.
    BlockTime unmeasured = model.edgeTime(3);
    assertThat(unmeasured.provenance()).isEqualTo(Provenance.FLOPS_PRIOR);
    assertThat(unmeasured.nanos()).isCloseTo(6e8 * 0.03, within(1e-3));
    assertThat(unmeasured.ageNanos()).isEqualTo(5_000_000);
  }

  @Test
  void cloudTime_onlyEdgeMeasured_isCrossSideThroughPriorRatioAndLabelledPrior() {
    BlockTimeModel model = model(FLOPS);
    model.edge().record(1, 12_000_000);
    BlockTime cloud = model.cloudTime(1);
    assertThat(cloud.nanos()).isCloseTo(1_200_000, within(1e-6));
    assertThat(cloud.provenance()).isEqualTo(Provenance.FLOPS_PRIOR);
    assertThat(model.cloudTime(3).nanos()).isCloseTo(6e8 * 0.003, within(1e-3));
  }

  @Test
  void speedRatio_noSharedBlock_comesFromEachSidesNanosPerFlop() {
    BlockTimeModel model = model(FLOPS);
    model.edge().record(0, 16_000_000);
    model.cloud().record(2, 10_000_000);
    SpeedRatio ratio = model.speedRatio();
    assertThat(ratio.edgeOverCloud()).isCloseTo(8, within(1e-9));
    assertThat(ratio.provenance()).isEqualTo(Provenance.FLOPS_PRIOR);
    assertThat(ratio.sharedBlocks()).isZero();
  }

  @Test
  void speedRatio_oneSmallBlockFreshlySharedAgainstAWholeModelSharedEarlier_keepsTheWholeModelsRatio() {
    BlockTimeModel model = model(FLOPS);
    for (int block = 0; block < FLOPS.length; block++) {
      model.cloud().record(block, 1_000_000);
      model.edge().record(block, 25_000_000);
    }
    ticker.advance(STALE_AFTER.plusSeconds(1));

    // Block 0 (2e8 of 3.3e9 FLOPs, 6%) timed again on both sides, at an odd ratio of 7.
    model.cloud().record(0, 1_000_000);
    model.edge().record(0, 7_000_000);

    SpeedRatio ratio = model.speedRatio();
    assertThat(ratio.edgeOverCloud()).isEqualTo(25);
    assertThat(ratio.sharedBlocks()).isEqualTo(6);
    // Once fresh shared blocks carry a quarter of the FLOPs, they set the ratio alone: the edge did get faster.
    model.cloud().record(2, 1_000_000);
    model.edge().record(2, 7_000_000);
    assertThat(model.speedRatio().sharedBlocks()).isEqualTo(2);
    assertThat(model.speedRatio().edgeOverCloud()).isLessThan(25);
  }

  @Test
  void edgeTime_ownEstimateStaleAndOtherSideFresh_usesCrossSide() {
    BlockTimeModel model = model(FLOPS);
    model.edge().record(2, 50_000_000);
    ticker.advance(STALE_AFTER.plusSeconds(1));
    BlockTime stale = model.edgeTime(2);
    assertThat(stale.provenance()).isEqualTo(Provenance.MEASURED);
    assertThat(stale.ageNanos()).isEqualTo(STALE_AFTER.plusSeconds(1).toNanos());

    model.edge().record(3, 24_000_000);
    model.cloud().record(3, 3_000_000);
    model.cloud().record(2, 4_000_000);
    BlockTime crossSide = model.edgeTime(2);
    assertThat(crossSide.provenance()).isEqualTo(Provenance.CROSS_SIDE);
    assertThat(crossSide.nanos()).isCloseTo(32_000_000, within(1e-6));
    assertThat(crossSide.ageNanos()).isZero();
  }

  @Test
  void edgeTime_range_sumsBlocksWithWeakestProvenanceAndOldestAge() {
    BlockTimeModel model = model(FLOPS);
    model.edge().record(0, 6_000_000);
    ticker.advance(Duration.ofMillis(20));
    model.edge().record(1, 12_000_000);

    assertThat(model.edgeTime(0, 2)).isEqualTo(new BlockTime(18_000_000, Provenance.MEASURED, 20_000_000));
    BlockTime withPrior = model.edgeTime(0, 3);
    assertThat(withPrior.provenance()).isEqualTo(Provenance.FLOPS_PRIOR);
    assertThat(withPrior.nanos()).isCloseTo(18_000_000 + 1e9 * 0.03, within(1e-3));
    assertThat(model.edgeTime(3, 3)).isEqualTo(new BlockTime(0, Provenance.MEASURED, 0));
    assertThat(model.edgeTimes()).hasSize(FLOPS.length).first().isEqualTo(model.edgeTime(0));
  }

  @Test
  void edgeTime_rangeOutsideModel_isRejectedWithTheRange() {
    BlockTimeModel model = model(FLOPS);
    assertThatThrownBy(() -> model.cloudTime(2, 7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("block range [2, 7) is not within [0, 6)");
    assertThatThrownBy(() -> model.edgeTime(6)).hasMessage("block 6 is out of range for 6 blocks");
  }

  @Test
  void constructor_estimatorOfAnotherSize_isRejected() {
    BlockTimeEstimator small = new BlockTimeEstimator(3, RobustEstimator.Settings.DEFAULT, STALE_AFTER, ticker);
    assertThatThrownBy(() -> new BlockTimeModel(profile(FLOPS), small, small, BlockTimeModel.Settings.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("model chain has 6 blocks but the edge estimator has 3 and the cloud estimator 3");
  }

  private BlockTimeModel model(double... flops) {
    return new BlockTimeModel(
        profile(flops),
        new BlockTimeEstimator(flops.length, RobustEstimator.Settings.DEFAULT, STALE_AFTER, ticker),
        new BlockTimeEstimator(flops.length, RobustEstimator.Settings.DEFAULT, STALE_AFTER, ticker),
        BlockTimeModel.Settings.DEFAULT);
  }

  /** A chain model whose blocks have the given FLOPs and whose cuts carry nothing. */
  private static ModelProfile profile(double... flops) {
    double total = 0;
    for (double blockFlops : flops) {
      total += blockFlops;
    }
    List<CutPoint> cuts = new ArrayList<>();
    List<Double> blockFlops = new ArrayList<>();
    double before = 0;
    for (int i = 0; i <= flops.length; i++) {
      cuts.add(new CutPoint(i, i, List.of(), true, before / total));
      if (i < flops.length) {
        before += flops[i];
        blockFlops.add(flops[i]);
      }
    }
    return new ModelProfile("chain", "0", List.of(), List.of(), cuts, blockFlops);
  }
}
