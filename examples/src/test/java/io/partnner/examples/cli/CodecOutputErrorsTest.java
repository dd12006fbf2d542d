package io.partnner.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.partnner.models.BlockProfiler;
import io.partnner.models.InputShapes;
import io.partnner.models.PartitionedModel;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.sim.MeasuredProfile;
import io.partnner.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class CodecOutputErrorsTest {
  @TempDir Path dir;

  @Test
  void difference_floatOutputs_largestDifferenceOverLargestMagnitude() {
    Map<String, Tensor> reference = Map.of("scores", Tensor.ofFloats(List.of(4L), new float[] {1, -8, 2, 0}));
    Map<String, Tensor> got = Map.of("scores", Tensor.ofFloats(List.of(4L), new float[] {1.5f, -8, 2, 0.25f}));

    assertThat(CodecOutputErrors.difference(reference, got)).isCloseTo(0.5 / 8, within(1e-12));
    assertThat(CodecOutputErrors.difference(reference, reference)).isZero();
  }

  @Test
  void difference_integerOutputChanged_isInfinite() {
    Map<String, Tensor> reference = Map.of("boxes", indices(3, 7), "scores", Tensor.ofFloats(List.of(1L), new float[] {1}));
    Map<String, Tensor> same = Map.of("boxes", indices(3, 7), "scores", Tensor.ofFloats(List.of(1L), new float[] {1}));
    Map<String, Tensor> other = Map.of("boxes", indices(3, 8), "scores", Tensor.ofFloats(List.of(1L), new float[] {1}));

    assertThat(CodecOutputErrors.difference(reference, same)).isZero();
    assertThat(CodecOutputErrors.difference(reference, other)).isInfinite();
    assertThat(CodecOutputErrors.difference(reference, Map.of("scores", reference.get("scores")))).isInfinite();
  }

  @Test
  void cached_smallModel_measuresLossyCodecsOnTheOutputAndReadsThemBack() throws Exception {
    PartitionedModel model = PartitionedModel.analyze(ModelOptions.resolve("zoo:mobilenet_v2@0.25"), InputShapes.none());

    CodecOutputErrors measured = CodecOutputErrors.cached(model, dir);

    int edgeOnly = model.profile().blockCount();
    // Cut 0 sends the uint8 frame, which no lossy codec takes: exact.
    assertThat(measured.error(0, "int8")).isZero();
    double float16 = 0;
    double int8 = 0;
    for (int cut = 1; cut < edgeOnly; cut++) {
      float16 = Math.max(float16, measured.error(cut, "float16"));
      int8 = Math.max(int8, measured.error(cut, "int8"));
    }
    // Half precision keeps about three decimal digits, eight bits about two.
    assertThat(float16).isPositive().isLessThan(0.01);
    assertThat(int8).isGreaterThan(float16).isLessThan(1);
    assertThat(measured.error(3, "raw")).isZero();
    try (var files = Files.list(dir)) {
      Path file = files.filter(f -> f.getFileName().toString().endsWith("-output-errors.txt")).findFirst().orElseThrow();
      assertThat(Files.readAllLines(file).get(0)).isEqualTo("partnner-codec-output-errors 1");
    }
    CodecOutputErrors again = CodecOutputErrors.cached(model, dir);
    for (int cut = 0; cut < edgeOnly; cut++) {
      assertThat(again.error(cut, "int8")).isEqualTo(measured.error(cut, "int8"));
    }

    MeasuredProfile profile = measured.applyTo(BlockProfiler.cached(model, BlockProfiler.Settings.defaults(), dir));
    assertThat(profile.cuts().get(3).codec("int8").relativeError()).isEqualTo(measured.error(3, "int8"));
    assertThat(profile.cuts().get(3).codec("raw").relativeError()).isZero();
    assertThat(profile.cuts().get(3).codec("lz4").relativeError()).isZero();
  }

  private static Tensor indices(long first, long second) {
    ByteBuffer data = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    data.putLong(first).putLong(second).flip();
    return Tensor.of(DataType.INT64, List.of(2L), data);
  }
}
