package io.partnner.models.zoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

final class ModelZooTest {

    private static final double SMALL = 0.25;
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    static List<String> names() {
        return ModelZoo.names();
    }

    @Test
    void names_always_listsTheSixModelsInStableOrder() {
        assertThat(ModelZoo.names()).containsExactly("alexnet", "vgg16", "resnet50", "mobilenet_v2",
                "tiny_yolov2", "ssd_mobilenet_v2");
    }

    @ParameterizedTest
    @MethodSource("names")
    void describe_knownName_mentionsFullInputSize(String name) {
        assertThat(ModelZoo.describe(name)).matches(".*\\d+x\\d+ input.*").doesNotContain("\n");
    }

    // Published torchvision parameter counts; building VGG-16 holds its 553 MB of weights once.
    @ParameterizedTest
    @CsvSource({"alexnet, 61100840", "vgg16, 138357544", "resnet50, 25557032",
        "mobilenet_v2, 3504872"})
    void parameterCount_fullSizeClassifier_matchesTorchvision(String name, long published) {
        OnnxMl.ModelProto model = ModelZoo.build(name, 1.0);

        assertThat(ModelZoo.parameterCount(model)).isEqualTo(published);
        assertThat(inputShape(model)).containsExactly(1L, 3L, 224L, 224L);
        assertThat(outputShape(model, "logits")).containsExactly(1L, 1000L);
    }

    @Test
    void build_fullSizeDetectors_haveThePaperGrids() {
        OnnxMl.ModelProto yolo = ModelZoo.build("tiny_yolov2", 1.0);
        assertThat(inputShape(yolo)).containsExactly(1L, 3L, 416L, 416L);
        assertThat(outputShape(yolo, "grid")).containsExactly(1L, 125L, 13L, 13L);
        assertThat(outputShape(yolo, "boxes")).containsExactly(1L, 845L, 4L);
        assertThat(outputShape(yolo, "scores")).containsExactly(1L, 845L, 20L);
        assertThat(ModelZoo.parameterCount(yolo)).isEqualTo(15_861_773L);

        OnnxMl.ModelProto ssd = ModelZoo.build("ssd_mobilenet_v2", 1.0);
        assertThat(inputShape(ssd)).containsExactly(1L, 3L, 320L, 320L);
        // 20x20x3 + (10x10 + 5x5 + 3x3 + 2x2 + 1x1) x 6 priors.
        assertThat(outputShape(ssd, "boxes")).containsExactly(1L, 2034L, 4L);
        assertThat(outputShape(ssd, "scores")).containsExactly(1L, 2034L, 91L);
    }

    @ParameterizedTest
    @MethodSource("names")
    void build_anyModel_followsTheZooConventions(String name) {
        OnnxMl.ModelProto model = ModelZoo.build(name, SMALL);
        OnnxMl.GraphProto graph = model.getGraph();

        assertThat(model.getIrVersion()).isEqualTo(7);
        assertThat(model.getProducerName()).isEqualTo("partnner-zoo");
        assertThat(model.getOpsetImportList()).singleElement()
                .satisfies(o -> assertThat(o.getVersion()).isEqualTo(13));
        assertThat(graph.getInputList()).singleElement().satisfies(in -> {
            assertThat(in.getName()).isEqualTo("image");
            assertThat(in.getType().getTensorType().getElemType())
                    .isEqualTo(OnnxMl.TensorProto.DataType.UINT8_VALUE);
        });
        assertThat(graph.getNode(0).getOpType()).isEqualTo("Cast");
        Set<String> nodeNames = new HashSet<>();
        Set<String> tensors = new HashSet<>();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            assertThat(nodeNames.add(node.getName())).as("unique node %s", node.getName()).isTrue();
            for (String out : node.getOutputList()) {
                assertThat(tensors.add(out)).as("unique tensor %s", out).isTrue();
            }
        }
        Map<String, OnnxMl.TensorProto> inits = new LinkedHashMap<>();
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            assertThat(tensors.add(t.getName())).as("unique tensor %s", t.getName()).isTrue();
            assertThat(t.getFloatDataCount()).isZero();
            assertThat(t.getRawData().size()).isPositive();
            inits.put(t.getName(), t);
        }
        // A Conv that feeds a BatchNormalization carries no bias, as in torchvision.
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("BatchNormalization")) {
                assertThat(node.getInputCount()).isEqualTo(5);
                OnnxMl.NodeProto producer = producer(graph, node.getInput(0));
                assertThat(producer.getOpType()).isEqualTo("Conv");
                assertThat(producer.getInputCount()).isEqualTo(2);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void build_smallScale_runsInOnnxRuntimeWithFiniteVaryingOutputs(String name) throws OrtException {
        OnnxMl.ModelProto model = ModelZoo.build(name, SMALL);
        Map<String, OnnxMl.ValueInfoProto> declared = new LinkedHashMap<>();
        model.getGraph().getOutputList().forEach(o -> declared.put(o.getName(), o));
        Map<String, long[]> expected = expectedSmallOutputs(name);
        assertThat(declared.keySet()).containsExactlyElementsOf(expected.keySet());

        try (OrtSession session = session(model); OnnxTensor image = randomImage(model);
                OrtSession.Result result = session.run(Map.of("image", image))) {
            for (Map.Entry<String, long[]> e : expected.entrySet()) {
                OnnxTensor out = (OnnxTensor) result.get(e.getKey()).orElseThrow();
                if (e.getKey().equals("selected_indices")) {
                    assertThat(out.getInfo().type).isEqualTo(OnnxJavaType.INT64);
                    continue;
                }
                assertThat(out.getInfo().type).as(e.getKey()).isEqualTo(OnnxJavaType.FLOAT);
                assertThat(out.getInfo().getShape()).as(e.getKey()).containsExactly(e.getValue());
                float[] values = floats(out);
                assertThat(nonFinite(values)).as("non-finite values in %s", e.getKey()).isZero();
                assertThat(max(values) - min(values)).as("%s spread", e.getKey()).isPositive();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void build_smallScale_everyLayerIsFiniteAndVaries(String name) throws OrtException {
        assertEveryLayerFiniteAndVarying(ModelZoo.build(name, SMALL));
    }

    // VGG-16 and AlexNet are left to the by-hand check: their full-size sessions alone take seconds.
    @ParameterizedTest
    @ValueSource(strings = {"resnet50", "mobilenet_v2", "tiny_yolov2", "ssd_mobilenet_v2"})
    void build_fullSize_everyLayerIsFiniteAndVaries(String name) throws OrtException {
        assertEveryLayerFiniteAndVarying(ModelZoo.build(name, 1.0));
    }

    @Test
    void build_ssd_selectsInt64IndexTriplesOfDataDependentLength() throws OrtException {
        OnnxMl.ModelProto model = ModelZoo.build("ssd_mobilenet_v2", SMALL);
        OnnxMl.TensorShapeProto declared = model.getGraph().getOutputList().stream()
                .filter(o -> o.getName().equals("selected_indices")).findFirst().orElseThrow()
                .getType().getTensorType().getShape();
        assertThat(declared.getDim(0).hasDimParam()).isTrue();
        assertThat(declared.getDim(1).getDimValue()).isEqualTo(3);

        try (OrtSession session = session(model); OnnxTensor image = randomImage(model);
                OrtSession.Result result = session.run(Map.of("image", image))) {
            OnnxTensor selected = (OnnxTensor) result.get("selected_indices").orElseThrow();
            OnnxTensor scores = (OnnxTensor) result.get("scores").orElseThrow();
            assertThat(selected.getInfo().type).isEqualTo(OnnxJavaType.INT64);
            long[] shape = selected.getInfo().getShape();
            assertThat(shape).hasSize(2);
            assertThat(shape[0]).isPositive();
            assertThat(shape[1]).isEqualTo(3);
            long anchors = scores.getInfo().getShape()[1];
            LongBuffer rows = selected.getLongBuffer();
            for (int i = 0; i < shape[0]; i++) {
                assertThat(rows.get(3 * i)).isZero();
                assertThat(rows.get(3 * i + 1)).isBetween(0L, 90L);
                assertThat(rows.get(3 * i + 2)).isBetween(0L, anchors - 1);
            }
            float[] probabilities = floats(scores);
            double firstRow = 0;
            for (int c = 0; c < 91; c++) {
                firstRow += probabilities[c];
            }
            assertThat(firstRow).isCloseTo(1.0, within(1e-4));
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void build_twice_givesByteIdenticalModels(String name) {
        assertThat(ModelZoo.build(name, SMALL).toByteArray())
                .isEqualTo(ModelZoo.build(name, SMALL).toByteArray());
    }

    @Test
    void build_fullSizeTwice_givesByteIdenticalModels() {
        assertThat(ModelZoo.build("mobilenet_v2", 1.0).toByteArray())
                .isEqualTo(ModelZoo.build("mobilenet_v2", 1.0).toByteArray());
    }

    @Test
    void build_alexNetBelowFullSize_sizesFirstFcToThePooledMap() {
        // At 64x64 pool5 leaves 1x1 with 64 channels instead of 6x6 with 256.
        OnnxMl.ModelProto model = ModelZoo.build("alexnet", SMALL);

        assertThat(inputShape(model)).containsExactly(1L, 3L, 64L, 64L);
        OnnxMl.TensorProto fc6 = model.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals("fc6.weight")).findFirst().orElseThrow();
        assertThat(fc6.getDimsList()).containsExactly(1024L, 64L);
    }

    @Test
    void parameterCount_excludesRunningStatsAndFixedConstants() {
        OnnxMl.ModelProto model = ModelZoo.build("tiny_yolov2", SMALL);
        long all = 0;
        for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT_VALUE) {
                all += t.getDimsList().stream().reduce(1L, (a, b) -> a * b);
            }
        }
        // conv1-8 BN running mean and var, plus the input, cell-offset, anchor and scalar constants.
        long stats = 2L * (8 + 8 + 16 + 32 + 64 + 128 + 256 + 256);
        long fixed = 3 + 3 + 2 * 3 * 3 + 2 + 10 + 1;
        assertThat(ModelZoo.parameterCount(model)).isEqualTo(all - stats - fixed);
    }

    @Test
    void build_unknownName_listsTheValidNames() {
        assertThatThrownBy(() -> ModelZoo.build("resnet18", 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'resnet18'")
                .hasMessageContaining(String.join(", ", ModelZoo.names()));
        assertThatThrownBy(() -> ModelZoo.describe(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alexnet");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.5, 1.01, 2.0, Double.NaN, Double.POSITIVE_INFINITY})
    void build_scaleOutsideUnitInterval_namesTheValueAndTheRange(double scale) {
        assertThatThrownBy(() -> ModelZoo.build("alexnet", scale))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(scale))
                .hasMessageContaining("(0, 1]");
    }

    // ---- helpers ----

    private static void assertEveryLayerFiniteAndVarying(OnnxMl.ModelProto built) throws OrtException {
        OnnxMl.ModelProto model = exposeEveryTensor(built);
        try (OrtSession session = session(model); OnnxTensor image = randomImage(model);
                OrtSession.Result result = session.run(Map.of("image", image))) {
            int checked = 0;
            for (Map.Entry<String, OnnxValue> e : result) {
                OnnxTensor t = (OnnxTensor) e.getValue();
                if (t.getInfo().type == OnnxJavaType.FLOAT) {
                    float[] values = floats(t);
                    assertThat(nonFinite(values)).as("non-finite values in %s", e.getKey()).isZero();
                    assertThat(max(values) - min(values)).as("spread of %s", e.getKey()).isPositive();
                    checked++;
                }
            }
            assertThat(checked).isGreaterThan(model.getGraph().getNodeCount() / 2);
        }
    }

    private static Map<String, long[]> expectedSmallOutputs(String name) {
        Map<String, long[]> out = new LinkedHashMap<>();
        switch (name) {
            case "tiny_yolov2" -> {
                // 96x96 input: a 3x3 grid with 5 anchors per cell.
                out.put("grid", new long[] {1, 125, 3, 3});
                out.put("boxes", new long[] {1, 45, 4});
                out.put("scores", new long[] {1, 45, 20});
            }
            case "ssd_mobilenet_v2" -> {
                // 96x96 input: maps 6x6 (3 priors), then 3x3, 2x2, 1x1, 1x1, 1x1 (6 priors).
                out.put("boxes", new long[] {1, 204, 4});
                out.put("scores", new long[] {1, 204, 91});
                out.put("selected_indices", null);
            }
            default -> out.put("logits", new long[] {1, 1000});
        }
        return out;
    }

    private static OrtSession session(OnnxMl.ModelProto model) throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(2);
            return ENV.createSession(model.toByteArray(), options);
        }
    }

    private static OnnxTensor randomImage(OnnxMl.ModelProto model) throws OrtException {
        long[] shape = inputShape(model);
        int size = Math.toIntExact(shape[1] * shape[2] * shape[3]);
        ByteBuffer pixels = ByteBuffer.allocateDirect(size);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < size; i++) {
            pixels.put((byte) random.nextInt(256));
        }
        pixels.rewind();
        return OnnxTensor.createTensor(ENV, pixels, shape, OnnxJavaType.UINT8);
    }

    // Every node output becomes a graph output, so one run shows every layer's activations.
    private static OnnxMl.ModelProto exposeEveryTensor(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
        Set<String> outputs = new HashSet<>();
        graph.getOutputList().forEach(o -> outputs.add(o.getName()));
        for (OnnxMl.NodeProto node : model.getGraph().getNodeList()) {
            int type = node.getOpType().equals("NonMaxSuppression")
                    ? OnnxMl.TensorProto.DataType.INT64_VALUE : OnnxMl.TensorProto.DataType.FLOAT_VALUE;
            for (String out : node.getOutputList()) {
                if (outputs.add(out)) {
                    graph.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(out)
                            .setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                                    OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type))));
                }
            }
        }
        return model.toBuilder().setGraph(graph).build();
    }

    private static OnnxMl.NodeProto producer(OnnxMl.GraphProto graph, String tensor) {
        return graph.getNodeList().stream().filter(n -> n.getOutputList().contains(tensor))
                .findFirst().orElseThrow();
    }

    private static long[] inputShape(OnnxMl.ModelProto model) {
        return dims(model.getGraph().getInput(0));
    }

    private static long[] outputShape(OnnxMl.ModelProto model, String name) {
        return dims(model.getGraph().getOutputList().stream()
                .filter(o -> o.getName().equals(name)).findFirst().orElseThrow());
    }

    private static long[] dims(OnnxMl.ValueInfoProto info) {
        List<Long> dims = new ArrayList<>();
        info.getType().getTensorType().getShape().getDimList().forEach(d -> dims.add(d.getDimValue()));
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private static float[] floats(OnnxTensor tensor) {
        FloatBuffer buffer = tensor.getFloatBuffer();
        float[] values = new float[buffer.remaining()];
        buffer.get(values);
        return values;
    }

    private static int nonFinite(float[] values) {
        int count = 0;
        for (float v : values) {
            if (!Float.isFinite(v)) {
                count++;
            }
        }
        return count;
    }

    private static float min(float[] values) {
        float m = Float.POSITIVE_INFINITY;
        for (float v : values) {
            m = Math.min(m, v);
        }
        return m;
    }

    private static float max(float[] values) {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}
