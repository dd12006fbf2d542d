package io.partnner.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.partnner.runtime.model.CutPoint;
import io.partnner.runtime.model.ModelProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Candidate cuts and exact splitting on graphs written by real exporters. The expected single-tensor
 * cuts come from an independent brute-force analysis ({@code src/test/fixtures-src/single_tensor_cuts.py}),
 * not from this code.
 */
final class PartitionedModelTest {
  private static final Map<String, List<String>> SHAPES = Map.of(
      "shape_chain.onnx", List.of("input=2x3x16x16"),
      "ch_ppocr_mobile_v2.0_cls_infer.onnx", List.of("x=1x3x48x192"));

  @ParameterizedTest
  @ValueSource(strings = {
      "if_subgraph.onnx", "int_outputs.onnx", "loop_scan.onnx", "many_live.onnx", "nms_detector.onnx",
      "opset9_residual.onnx", "opset17_residual.onnx", "shape_chain.onnx", "two_inputs.onnx",
      "weights_identity.onnx"})
  void analyze_exporterFixture_findsEverySingleTensorCutAndSplitsExactly(String file) throws IOException {
    Path model = SharedFiles.fixture(file);
    checkModel(model, SharedFiles.fixture(file.replace(".onnx", ".cuts.json")), file);
  }

  @ParameterizedTest
  @ValueSource(strings = {"squeezenet1_1.onnx", "mobilenet_v2.onnx", "ch_ppocr_mobile_v2.0_cls_infer.onnx"})
  void analyze_sharedRealModel_findsEverySingleTensorCutAndSplitsExactly(String file) throws IOException {
    Path model = SharedFiles.sharedModel(file);
    checkModel(model, SharedFiles.fixture("expected/" + file + ".cuts.json"), file);
  }

  @org.junit.jupiter.api.Test
  void head_cutOutOfRange_namesCutAndRange() {
    PartitionedModel analysed = PartitionedModel.analyze(
        OnnxModel.load(SharedFiles.fixture("opset17_residual.onnx")), InputShapes.none());
    int last = analysed.profile().cuts().size() - 1;
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> analysed.head(last + 1))
        .isInstanceOf(ModelException.class)
        .hasMessage("cut " + (last + 1) + " is out of range: model opset17_residual has cuts 0.." + last);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> analysed.tail(-1))
        .hasMessageContaining("cut -1 is out of range");
  }

  @org.junit.jupiter.api.Test
  void analyze_weightsBehindIdentityAndConstant_neverCrossAndAreCopiedToBothSides() {
    PartitionedModel analysed = PartitionedModel.analyze(
        OnnxModel.load(SharedFiles.fixture("weights_identity.onnx")), InputShapes.none());
    OnnxGraph graph = new OnnxGraph(analysed.model().proto(), "weights_identity");
    for (CutPoint cut : analysed.profile().cuts()) {
      assertThat(cut.crossing()).noneMatch(t -> graph.constantTensors.contains(t.name()));
    }
    // Cut after c2: the weight chains feeding the convs go with the head, the constant output
    // (Shape of a weight) and the Gemm weight go with the tail, and nothing constant crosses.
    int afterC2 = indexOfCrossing(analysed, "c2");
    ai.onnx.proto.OnnxMl.ModelProto head = analysed.segmentProto(0, afterC2);
    ai.onnx.proto.OnnxMl.ModelProto tail = analysed.segmentProto(afterC2, analysed.profile().cuts().size() - 1);
    assertThat(countConstantNodes(head)).isEqualTo(7);
    assertThat(tail.getGraph().getInputList()).extracting(i -> i.getName()).containsExactly("c2");
    assertThat(tail.getGraph().getOutputList()).extracting(o -> o.getName()).contains("fc_w_shape");
    assertThat(tail.getGraph().getInitializerList()).extracting(t -> t.getName()).contains("fc_w", "scale");
  }

  @org.junit.jupiter.api.Test
  void analyze_shapeChainOverStaticShapes_foldsItAndGainsCuts() {
    OnnxModel model = OnnxModel.load(SharedFiles.fixture("shape_chain.onnx"));
    InputShapes shapes = InputShapes.parse(List.of("input=2x3x16x16"));
    PartitionedModel structural = PartitionedModel.analyzeStructure(model, shapes);
    PartitionedModel folded = PartitionedModel.analyze(model, shapes);
    assertThat(folded.singleTensorCutCount()).isGreaterThan(structural.singleTensorCutCount());
    assertThat(folded.computeNodeCount()).isLessThan(structural.computeNodeCount());
    // Pieces are valid only for the shapes they were folded for, so they declare them.
    ai.onnx.proto.OnnxMl.ModelProto head = folded.segmentProto(0, 1);
    assertThat(head.getGraph().getInput(0).getType().getTensorType().getShape().getDimList())
        .extracting(d -> d.getDimValue()).containsExactly(2L, 3L, 16L, 16L);
    assertThat(new SplitVerifier(folded).verifyAll(c -> { }).passed()).isTrue();
  }

  private static int indexOfCrossing(PartitionedModel analysed, String tensor) {
    return analysed.profile().cuts().stream()
        .filter(c -> c.crossing().size() == 1 && c.crossing().get(0).name().equals(tensor))
        .findFirst().orElseThrow().index();
  }

  private static long countConstantNodes(ai.onnx.proto.OnnxMl.ModelProto piece) {
    return piece.getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("Constant") || n.getOpType().equals("Identity"))
        .count();
  }

  private static void checkModel(Path file, Path expectedJson, String key) throws IOException {
    OnnxModel model = OnnxModel.load(file);
    InputShapes shapes = InputShapes.parse(SHAPES.getOrDefault(key, List.of()));
    JsonNode expected = new ObjectMapper().readTree(expectedJson.toFile());
    List<String> expectedCuts = new ArrayList<>();
    expected.get("single_tensor_cuts").forEach(node -> expectedCuts.add(node.asText()));

    // The graph as written must give exactly the independent analysis' single-tensor cuts.
    PartitionedModel structural = PartitionedModel.analyzeStructure(model, shapes);
    assertThat(structural.computeNodeCount()).isEqualTo(expected.get("compute_nodes").asInt());
    assertThat(new TreeSet<>(structural.singleTensorCutTensors())).containsExactlyElementsOf(new TreeSet<>(expectedCuts));

    // Folding shape constants for the fixed input shapes can only add cuts, never lose one.
    PartitionedModel analysed = PartitionedModel.analyze(model, shapes);
    assertThat(analysed.singleTensorCutTensors()).containsAll(expectedCuts);
    assertThat(analysed.computeNodeCount()).isLessThanOrEqualTo(structural.computeNodeCount());

    ModelProfile profile = analysed.profile();
    List<CutPoint> cuts = profile.cuts();
    assertThat(cuts.get(0).crossing()).extracting(t -> t.name()).containsExactlyElementsOf(
        profile.inputs().stream().map(t -> t.name()).toList());
    assertThat(cuts.get(cuts.size() - 1).crossing()).isEmpty();
    assertThat(cuts.get(cuts.size() - 1).flopsBefore()).isEqualTo(1.0);
    for (int i = 1; i < cuts.size(); i++) {
      assertThat(cuts.get(i).position()).isGreaterThan(cuts.get(i - 1).position());
      assertThat(cuts.get(i).flopsBefore()).isGreaterThanOrEqualTo(cuts.get(i - 1).flopsBefore());
    }
    for (CutPoint cut : cuts) {
      if (cut.singleTensor()) {
        assertThat(cut.crossing()).hasSize(1);
      }
    }

    SplitVerifier.Report report = new SplitVerifier(analysed).verifyAll(check -> { });
    assertThat(report.cuts()).hasSize(cuts.size());
    assertThat(report.cuts()).allSatisfy(check -> assertThat(check.failure()).isNull());
  }
}
