package io.partnner.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnner.models.zoo.ModelZoo;
import io.partnner.runtime.model.CutPoint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every zoo model, small variant: candidate cuts found and head+tail exact at each of them. */
final class ZooSplitTest {
  static java.util.List<String> zooNames() {
    return ModelZoo.names();
  }

  @ParameterizedTest
  @MethodSource("zooNames")
  void verifyAll_smallZooModel_everyCutWithinTolerance(String name) {
    PartitionedModel analysed = PartitionedModel.analyze(OnnxModel.of(name, ModelZoo.build(name, 0.25)), InputShapes.none());
    // A camera frame: cloud-only ships one byte per pixel channel.
    CutPoint cloudOnly = analysed.profile().cuts().get(0);
    assertThat(cloudOnly.crossing()).hasSize(1);
    assertThat(cloudOnly.crossing().get(0).dataType().label()).isEqualTo("uint8");
    assertThat(analysed.singleTensorCutCount()).isGreaterThan(5);
    assertThat(analysed.profile().totalFlops()).isPositive();

    SplitVerifier.Report report = new SplitVerifier(analysed).verifyAll(check -> { });
    assertThat(report.cuts()).allSatisfy(check -> assertThat(check.failure()).isNull());
  }
}
