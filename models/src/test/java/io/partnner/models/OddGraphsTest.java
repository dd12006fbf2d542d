package io.partnner.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnner.runtime.model.CutPoint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Valid graphs that exporters rarely write, each split exactly. */
final class OddGraphsTest {
  private static SplitVerifier.Report verify(PartitionedModel analysed) {
    return new SplitVerifier(analysed).verifyAll(check -> { });
  }

  @Test
  void analyze_unusedBranch_neverRunsOrCrosses() {
    OnnxModel model = new TestingGraphs()
        .input("x", 1, 4).output("y")
        .node("Relu", List.of("x"), List.of("a"))
        .node("Sigmoid", List.of("a"), List.of("y"))
        .node("Neg", List.of("a"), List.of("unused"))
        .build("dead_branch");
    PartitionedModel analysed = PartitionedModel.analyze(model, InputShapes.none());
    assertThat(analysed.computeNodeCount()).isEqualTo(2);
    assertThat(analysed.profile().cuts()).hasSize(3);
    assertThat(analysed.profile().cuts().get(1).crossing()).extracting(t -> t.name()).containsExactly("a");
    assertThat(verify(analysed).passed()).isTrue();
  }

  @Test
  void analyze_graphInputAlsoAnOutput_crossesUntilTheEnd() {
    OnnxModel model = new TestingGraphs()
        .input("x", 1, 4).output("y").output("x")
        .node("Relu", List.of("x"), List.of("a"))
        .node("Neg", List.of("a"), List.of("y"))
        .build("echo_input");
    PartitionedModel analysed = PartitionedModel.analyze(model, InputShapes.none());
    List<CutPoint> cuts = analysed.profile().cuts();
    assertThat(cuts.get(1).crossing()).extracting(t -> t.name()).containsExactlyInAnyOrder("x", "a");
    assertThat(cuts.get(cuts.size() - 1).crossing()).isEmpty();
    assertThat(verify(analysed).passed()).isTrue();
  }

  @Test
  void analyze_dropoutInTrainingModeOverWeights_isNotCopiedAsAConstant() {
    OnnxModel model = new TestingGraphs()
        .input("x", 1, 4).output("y")
        .floats("w", List.of(1L, 4L), 1, 2, 3, 4)
        .floats("ratio", List.of(), 0.5f)
        .bool("training", true)
        .node("Dropout", List.of("w", "ratio", "training"), List.of("w_dropped"))
        .node("Relu", List.of("x"), List.of("a"))
        .node("Mul", List.of("a", "w_dropped"), List.of("y"))
        .build("dropout_training");
    OnnxGraph graph = new OnnxGraph(model.proto(), "dropout_training");
    assertThat(graph.isCompute(0)).isTrue();
    assertThat(graph.constantTensors).doesNotContain("w_dropped");
  }

  @Test
  void analyze_exporterShapesDisagreeWithGivenInputShape_piecesUseMeasuredShapes() {
    OnnxModel model = new TestingGraphs()
        .input("x", "N", 4).output("y")
        .valueInfo("a", 1, 4)
        .valueInfo("b", 1, 4)
        .node("Relu", List.of("x"), List.of("a"))
        .node("Neg", List.of("a"), List.of("b"))
        .node("Sigmoid", List.of("b"), List.of("y"))
        .build("stale_value_info");
    PartitionedModel analysed = PartitionedModel.analyze(model, InputShapes.parse(List.of("x=3x4")));
    assertThat(analysed.profile().cuts().get(1).crossing().get(0).shape()).containsExactly(3L, 4L);
    assertThat(verify(analysed).passed()).isTrue();
  }
}
