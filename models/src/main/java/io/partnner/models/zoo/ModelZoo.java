package io.partnner.models.zoo;

import ai.onnx.proto.OnnxMl;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The built-in models: six ONNX graphs with seeded random weights, built in memory.
 *
 * <p>Every model takes one input {@code image}, uint8 NCHW {@code [1, 3, H, W]} with values 0-255,
 * and normalises it inside the graph (Cast, Sub mean, Mul 1/std). Classifiers output
 * {@code logits} float {@code [1, 1000]}. {@code tiny_yolov2} outputs the raw {@code grid}
 * {@code [1, 125, g, g]}, {@code boxes} {@code [1, 5*g*g, 4]} and {@code scores} {@code [1, 5*g*g, 20]};
 * {@code ssd_mobilenet_v2} outputs {@code boxes} {@code [1, A, 4]}, {@code scores}
 * {@code [1, A, 91]} (class 0 is background) and {@code selected_indices} int64 {@code [K, 3]}
 * rows of (batch, class, box) from NonMaxSuppression over all 91 score columns (IoU 0.6,
 * score above 0.05, at most 100 per class). Boxes are (x1, y1, x2, y2) as fractions of the
 * image side.
 *
 * <p>Scale rule, for {@code 0 < scale <= 1}:
 * <ul>
 *   <li>every layer width (conv channels, hidden FC width) becomes {@code scale * width}
 *       rounded to the nearest multiple of 8, at least 8; the class dimensions (1000, 125, 91)
 *       and the 3 input channels are kept (MobileNetV2's last 1280-wide conv shrinks too,
 *       where the paper keeps it at 1280 for multipliers below 1);</li>
 *   <li>the input side becomes {@code scale * full side} rounded to the nearest multiple of 32,
 *       at least 64 for AlexNet (so its stride-4 conv and three pools leave 1x1) and 32 for the
 *       others (five stride-2 stages);</li>
 *   <li>where the last feature map is not the paper's size (6x6 for AlexNet, 7x7 for VGG-16)
 *       the first FC layer takes the flattened map as it is; detector grids, anchors and priors
 *       follow the feature-map sizes.</li>
 * </ul>
 * At scale 1 every width is already a multiple of 8 and every side a multiple of 32, so the
 * paper architecture comes out unchanged.
 */
public final class ModelZoo {

    private static final Map<String, Architecture> BY_NAME = new LinkedHashMap<>();

    static {
        for (Architecture a : Architecture.values()) {
            BY_NAME.put(a.zooName(), a);
        }
    }

    private static final List<String> NAMES = List.copyOf(BY_NAME.keySet());

    private ModelZoo() {
    }

    /** Names in a stable order: alexnet, vgg16, resnet50, mobilenet_v2, tiny_yolov2, ssd_mobilenet_v2. */
    public static List<String> names() {
        return NAMES;
    }

    /** One line describing the model (architecture, source paper, input size at full scale). */
    public static String describe(String name) {
        return architecture(name).description();
    }

    /**
     * Builds the model; scale 1.0 is the full size of the paper, smaller values shrink width and
     * input resolution (see the class documentation). Deterministic: each model has a fixed seed.
     *
     * @throws IllegalArgumentException for an unknown name or a scale outside (0, 1]
     */
    public static OnnxMl.ModelProto build(String name, double scale) {
        Architecture architecture = architecture(name);
        if (!(scale > 0 && scale <= 1)) {
            throw new IllegalArgumentException("scale " + scale + " for model '" + name
                    + "' is outside the valid range (0, 1]; 1.0 is full size");
        }
        Scaling scaling = new Scaling(scale);
        GraphBuilder g = new GraphBuilder(name, architecture.seed());
        architecture.build(g, scaling);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("partnner.zoo.name", name);
        metadata.put("partnner.zoo.scale", Double.toString(scale));
        metadata.put("partnner.zoo.input", "image uint8 [1,3," + g.inputHeight() + ","
                + g.inputWidth() + "]");
        return g.build(architecture.description() + "; built at scale " + scale + " with seeded"
                + " random weights", metadata);
    }

    /**
     * Learnable parameter count: elements of floating-point initializers, leaving out
     * BatchNormalization running mean and variance and the constants the zoo marks as fixed
     * (input normalisation, anchors, priors, thresholds); int64 tensors never count.
     */
    public static long parameterCount(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto graph = model.getGraph();
        Set<String> runningStats = new HashSet<>();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("BatchNormalization")) {
                for (int i = 3; i < Math.min(5, node.getInputCount()); i++) {
                    runningStats.add(node.getInput(i));
                }
            }
        }
        long count = 0;
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            if (isFloat(t.getDataType()) && !runningStats.contains(t.getName())
                    && !t.getDocString().startsWith(GraphBuilder.NON_LEARNED)) {
                long elements = 1;
                for (long d : t.getDimsList()) {
                    elements *= d;
                }
                count += elements;
            }
        }
        return count;
    }

    private static boolean isFloat(int dataType) {
        return dataType == OnnxMl.TensorProto.DataType.FLOAT_VALUE
                || dataType == OnnxMl.TensorProto.DataType.FLOAT16_VALUE
                || dataType == OnnxMl.TensorProto.DataType.BFLOAT16_VALUE
                || dataType == OnnxMl.TensorProto.DataType.DOUBLE_VALUE;
    }

    private static Architecture architecture(String name) {
        Architecture a = name == null ? null : BY_NAME.get(name);
        if (a == null) {
            throw new IllegalArgumentException("unknown model '" + name + "'; valid names: "
                    + String.join(", ", NAMES));
        }
        return a;
    }
}
