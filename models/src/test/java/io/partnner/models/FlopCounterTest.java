package io.partnner.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.partnner.models.zoo.ModelZoo;
import io.partnner.runtime.model.ModelProfile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The FLOPs prior against the multiply-adds the architectures are known for. */
final class FlopCounterTest {
  @ParameterizedTest
  @CsvSource({
      // Published multiply-adds: ResNet-50 4.09 G (torchvision), MobileNetV2 300 M (Sandler et al. 2018, Table 4).
      "resnet50, 4.09e9",
      "mobilenet_v2, 0.300e9"})
  void totalFlops_fullSizeModel_matchesPublishedMultiplyAdds(String name, double published) {
    ModelProfile profile =
        PartitionedModel.analyze(OnnxModel.of(name, ModelZoo.build(name, 1.0)), InputShapes.none()).profile();
    // Element-wise ops and pooling add a few percent to the convolutions and the classifier.
    assertThat(profile.totalFlops() / published).isCloseTo(1.0, within(0.06));
    double sum = profile.blockFlops().stream().mapToDouble(Double::doubleValue).sum();
    assertThat(sum).isCloseTo(profile.totalFlops(), within(1.0));
    assertThat(profile.blockFlops()).allSatisfy(flops -> assertThat(flops).isGreaterThanOrEqualTo(0));
  }
}
