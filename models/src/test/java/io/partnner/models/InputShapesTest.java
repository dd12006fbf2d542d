package io.partnner.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Input shapes: parsed, checked against the model, and each mistake named. */
final class InputShapesTest {
  private static OnnxModel shapeChain() {
    return OnnxModel.load(SharedFiles.fixture("shape_chain.onnx"));
  }

  @Test
  void analyze_symbolicInputWithoutShape_saysWhichInputNeedsOne() {
    assertThatThrownBy(() -> PartitionedModel.analyze(shapeChain(), InputShapes.none()))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("input 'input' has symbolic dimensions [batch,3,16,16]")
        .hasMessageContaining("--input-shape input=");
  }

  @Test
  void analyze_wrongRank_isRejected() {
    assertThatThrownBy(() -> PartitionedModel.analyze(shapeChain(), InputShapes.parse(List.of("input=2x3x16"))))
        .isInstanceOf(ModelException.class)
        .hasMessage("--input-shape input: rank 3 does not match the model's [batch,3,16,16] (rank 4)");
  }

  @Test
  void analyze_fixedDimensionChanged_isRejected() {
    assertThatThrownBy(() -> PartitionedModel.analyze(shapeChain(), InputShapes.parse(List.of("input=2x4x16x16"))))
        .isInstanceOf(ModelException.class)
        .hasMessage("--input-shape input: dimension 1 is fixed at 3 by the model [batch,3,16,16], got 4");
  }

  @Test
  void analyze_unknownInputName_listsTheInputs() {
    assertThatThrownBy(() -> PartitionedModel.analyze(shapeChain(), InputShapes.parse(List.of("x=1x3x16x16"))))
        .isInstanceOf(ModelException.class)
        .hasMessageContaining("has no input 'x'; its inputs are [input]");
  }

  @Test
  void parse_badItems_areNamed() {
    assertThatThrownBy(() -> InputShapes.parse(List.of("input")))
        .hasMessageContaining("--input-shape 'input': expected NAME=DIMS");
    assertThatThrownBy(() -> InputShapes.parse(List.of("input=1x0x3")))
        .hasMessageContaining("dimension '0' is not a positive integer");
    assertThatThrownBy(() -> InputShapes.parse(List.of("input=1xax3")))
        .hasMessageContaining("dimension 'a' is not a positive integer");
    assertThatThrownBy(() -> InputShapes.parse(List.of("a=1", "a=2"))).hasMessageContaining("given twice");
  }

  @Test
  void analyze_batchOfTwo_measuresCrossingTensorsAtThatBatch() {
    PartitionedModel analysed = PartitionedModel.analyze(shapeChain(), InputShapes.parse(List.of("input=2x3x16x16")));
    assertThat(analysed.profile().inputs().get(0).shape()).containsExactly(2L, 3L, 16L, 16L);
    assertThat(analysed.profile().cuts().get(1).crossing().get(0).shape().get(0)).isEqualTo(2L);
  }
}
