package io.partnner.models.zoo;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/** Assembles one ONNX graph with statically known shapes and seeded weights. */
final class GraphBuilder {

    /**
     * Doc string on initializers that are fixed by construction, so that
     * {@link ModelZoo#parameterCount} can tell them from learnable weights.
     */
    static final String NON_LEARNED = "non-learned constant";

    static final String INPUT = "image";

    private static final float BN_EPSILON = 1e-5f;

    private final String modelName;
    private final SplittableRandom random;
    private final List<OnnxMl.NodeProto.Builder> nodes = new ArrayList<>();
    private final List<OnnxMl.TensorProto> initializers = new ArrayList<>();
    private final Map<String, long[]> shapes = new HashMap<>();
    private final Set<String> nodeNames = new HashSet<>();
    // Insertion order is the graph's output order, which callers rely on.
    private final Map<String, OnnxMl.TensorProto.DataType> outputs = new LinkedHashMap<>();
    private final Map<String, String> sharedConstants = new HashMap<>();
    private long inputHeight;
    private long inputWidth;

    GraphBuilder(String modelName, long seed) {
        this.modelName = modelName;
        this.random = new SplittableRandom(seed);
    }

    long[] shape(String tensor) {
        long[] shape = shapes.get(tensor);
        if (shape == null) {
            throw new IllegalStateException("no tensor named " + tensor);
        }
        return shape.clone();
    }

    int channels(String tensor) {
        return Math.toIntExact(shape(tensor)[1]);
    }

    /** The uint8 frame normalised with the ImageNet mean and std (torchvision's preprocessing). */
    String imageNetImage(int height, int width) {
        float[] mean = {0.485f * 255f, 0.456f * 255f, 0.406f * 255f};
        float[] scale = {1f / (0.229f * 255f), 1f / (0.224f * 255f), 1f / (0.225f * 255f)};
        return image(height, width, mean, scale);
    }

    /**
     * Declares the uint8 camera frame input and normalises it per channel as
     * {@code (float(x) - mean) * scale}; returns the normalised tensor.
     */
    String image(int height, int width, float[] mean, float[] scale) {
        inputHeight = height;
        inputWidth = width;
        shapes.put(INPUT, new long[] {1, 3, height, width});
        String cast = node("Cast", "input.cast", List.of(INPUT), shape(INPUT),
                attr("to", OnnxMl.TensorProto.DataType.FLOAT_VALUE));
        String meanName = constant("input.mean", new long[] {1, 3, 1, 1}, mean);
        String sub = node("Sub", "input.sub", List.of(cast, meanName), shape(INPUT));
        String scaleName = constant("input.scale", new long[] {1, 3, 1, 1}, scale);
        return node("Mul", "input.mul", List.of(sub, scaleName), shape(INPUT));
    }

    /** Conv with He-normal weights; the bias is left out where a BatchNormalization follows. */
    String conv(String name, String x, int outChannels, int kernel, int stride, int pad, int groups,
            boolean bias) {
        long[] in = shape(x);
        int inChannels = Math.toIntExact(in[1]);
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalStateException(name + ": channels not divisible by groups");
        }
        int fanIn = inChannels / groups * kernel * kernel;
        List<String> inputs = new ArrayList<>(List.of(x,
                heNormal(name + ".weight", new long[] {outChannels, inChannels / groups, kernel, kernel},
                        fanIn)));
        if (bias) {
            inputs.add(smallNormal(name + ".bias", outChannels));
        }
        long[] out = {in[0], outChannels, pooled(in[2], kernel, stride, pad, pad),
            pooled(in[3], kernel, stride, pad, pad)};
        return node("Conv", name, inputs, out,
                ints("kernel_shape", kernel, kernel), ints("strides", stride, stride),
                ints("pads", pad, pad, pad, pad), ints("dilations", 1, 1), attr("group", groups));
    }

    /**
     * BatchNormalization in inference form; with running mean 0 and variance 1 it is close to an
     * affine map, so {@code gamma} is what keeps deep residual stacks from blowing up.
     */
    String batchNorm(String name, String x, float gamma) {
        long[] in = shape(x);
        int c = Math.toIntExact(in[1]);
        float[] gammas = new float[c];
        Arrays.fill(gammas, gamma);
        float[] ones = new float[c];
        Arrays.fill(ones, 1f);
        List<String> inputs = List.of(x,
                floats(name + ".weight", new long[] {c}, gammas, null),
                smallNormal(name + ".bias", c),
                floats(name + ".running_mean", new long[] {c}, new float[c], null),
                floats(name + ".running_var", new long[] {c}, ones, null));
        return node("BatchNormalization", name, inputs, in, attr("epsilon", BN_EPSILON));
    }

    String relu(String name, String x) {
        return node("Relu", name, List.of(x), shape(x));
    }

    /** ReLU6 as Clip with min/max inputs (opset 11 and later). */
    String relu6(String name, String x) {
        String min = sharedScalar("const.relu6.min", 0f);
        String max = sharedScalar("const.relu6.max", 6f);
        return node("Clip", name, List.of(x, min, max), shape(x));
    }

    String leakyRelu(String name, String x, float alpha) {
        return node("LeakyRelu", name, List.of(x), shape(x), attr("alpha", alpha));
    }

    String sigmoid(String name, String x) {
        return node("Sigmoid", name, List.of(x), shape(x));
    }

    String exp(String name, String x) {
        return node("Exp", name, List.of(x), shape(x));
    }

    String softmax(String name, String x, int axis) {
        return node("Softmax", name, List.of(x), shape(x), attr("axis", axis));
    }

    /** MaxPool; {@code pads} is ONNX order: top, left, bottom, right. */
    String maxPool(String name, String x, int kernel, int stride, int... pads) {
        long[] in = shape(x);
        long[] out = {in[0], in[1], pooled(in[2], kernel, stride, pads[0], pads[2]),
            pooled(in[3], kernel, stride, pads[1], pads[3])};
        return node("MaxPool", name, List.of(x), out,
                ints("kernel_shape", kernel, kernel), ints("strides", stride, stride), ints("pads", pads));
    }

    String globalAveragePool(String name, String x) {
        long[] in = shape(x);
        return node("GlobalAveragePool", name, List.of(x), new long[] {in[0], in[1], 1, 1});
    }

    String flatten(String name, String x) {
        long[] in = shape(x);
        long rest = 1;
        for (int i = 1; i < in.length; i++) {
            rest *= in[i];
        }
        return node("Flatten", name, List.of(x), new long[] {in[0], rest}, attr("axis", 1));
    }

    /** Fully connected layer with the torch weight layout [out, in], hence transB. */
    String gemm(String name, String x, int outFeatures) {
        long[] in = shape(x);
        int inFeatures = Math.toIntExact(in[1]);
        String weight = heNormal(name + ".weight", new long[] {outFeatures, inFeatures}, inFeatures);
        String bias = smallNormal(name + ".bias", outFeatures);
        return node("Gemm", name, List.of(x, weight, bias), new long[] {in[0], outFeatures},
                attr("transB", 1));
    }

    String add(String name, String a, String b) {
        return node("Add", name, List.of(a, b), broadcast(shape(a), shape(b)));
    }

    String sub(String name, String a, String b) {
        return node("Sub", name, List.of(a, b), broadcast(shape(a), shape(b)));
    }

    String mul(String name, String a, String b) {
        return node("Mul", name, List.of(a, b), broadcast(shape(a), shape(b)));
    }

    String reshape(String name, String x, long... target) {
        long[] in = shape(x);
        long total = product(in);
        long known = 1;
        int inferred = -1;
        long[] out = target.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                inferred = i;
            } else {
                known *= out[i];
            }
        }
        if (inferred >= 0) {
            out[inferred] = total / known;
        }
        if (product(out) != total) {
            throw new IllegalStateException(name + ": cannot reshape " + Arrays.toString(in)
                    + " to " + Arrays.toString(target));
        }
        String shapeName = int64s(name + ".shape", target);
        return node("Reshape", name, List.of(x, shapeName), out);
    }

    String transpose(String name, String x, int... perm) {
        long[] in = shape(x);
        long[] out = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            out[i] = in[perm[i]];
        }
        return node("Transpose", name, List.of(x), out, ints("perm", perm));
    }

    String concat(String name, int axis, List<String> xs) {
        long[] out = shape(xs.get(0));
        for (int i = 1; i < xs.size(); i++) {
            out[axis] += shape(xs.get(i))[axis];
        }
        return node("Concat", name, xs, out, attr("axis", axis));
    }

    /** Split along {@code axis}; outputs are named {@code name + "." + parts[i]}. */
    List<String> split(String name, String x, int axis, long[] sizes, String... parts) {
        long[] in = shape(x);
        String sizesName = int64s(name + ".sizes", sizes);
        List<String> outs = new ArrayList<>();
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder()
                .setName(uniqueNode(name)).setOpType("Split").addInput(x).addInput(sizesName)
                .addAttribute(attr("axis", axis));
        for (int i = 0; i < sizes.length; i++) {
            String out = name + "." + parts[i];
            long[] s = in.clone();
            s[axis] = sizes[i];
            declare(out, s);
            node.addOutput(out);
            outs.add(out);
        }
        nodes.add(node);
        return outs;
    }

    /**
     * NonMaxSuppression over {@code boxes} [N, A, 4] (corner form) and {@code scores} [N, C, A];
     * the result's length depends on the data, so its first dimension is left symbolic.
     */
    String nonMaxSuppression(String name, String boxes, String scores, long maxPerClass,
            float iouThreshold, float scoreThreshold) {
        String max = int64s(name + ".max_output_boxes_per_class", new long[] {1}, maxPerClass);
        String iou = constant(name + ".iou_threshold", new long[] {1}, new float[] {iouThreshold});
        String score = constant(name + ".score_threshold", new long[] {1},
                new float[] {scoreThreshold});
        return node("NonMaxSuppression", name, List.of(boxes, scores, max, iou, score),
                new long[] {-1, 3}, attr("center_point_box", 0));
    }

    /** A fixed float tensor that is part of the architecture, not a weight (priors, anchors). */
    String constant(String name, long[] dims, float... values) {
        return floats(name, dims, values, NON_LEARNED);
    }

    /** A scalar constant shared by every node that needs the same value. */
    String sharedScalar(String name, float value) {
        return sharedConstants.computeIfAbsent(name,
                n -> constant(n, new long[0], new float[] {value}));
    }

    /**
     * Makes {@code tensor} a graph output under {@code publicName}, renaming it where it is
     * produced and consumed, so the graph needs no Identity node.
     */
    void output(String tensor, String publicName, OnnxMl.TensorProto.DataType type) {
        if (!tensor.equals(publicName)) {
            if (shapes.containsKey(publicName)) {
                throw new IllegalStateException("tensor name taken: " + publicName);
            }
            for (OnnxMl.NodeProto.Builder node : nodes) {
                for (int i = 0; i < node.getInputCount(); i++) {
                    if (node.getInput(i).equals(tensor)) {
                        node.setInput(i, publicName);
                    }
                }
                for (int i = 0; i < node.getOutputCount(); i++) {
                    if (node.getOutput(i).equals(tensor)) {
                        node.setOutput(i, publicName);
                    }
                }
            }
            shapes.put(publicName, shapes.remove(tensor));
        }
        outputs.put(publicName, type);
    }

    void output(String tensor, String publicName) {
        output(tensor, publicName, OnnxMl.TensorProto.DataType.FLOAT);
    }

    OnnxMl.ModelProto build(String docString, Map<String, String> metadata) {
        OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName(modelName);
        graph.addInput(valueInfo(INPUT, OnnxMl.TensorProto.DataType.UINT8, shape(INPUT)));
        for (OnnxMl.NodeProto.Builder node : nodes) {
            graph.addNode(node);
        }
        graph.addAllInitializer(initializers);
        for (Map.Entry<String, OnnxMl.TensorProto.DataType> out : outputs.entrySet()) {
            graph.addOutput(valueInfo(out.getKey(), out.getValue(), shape(out.getKey())));
        }
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(7)
                .setProducerName("partnner-zoo")
                .setProducerVersion("0.1.0")
                .setDocString(docString)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph);
        metadata.forEach((k, v) -> model.addMetadataProps(
                OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    long inputHeight() {
        return inputHeight;
    }

    long inputWidth() {
        return inputWidth;
    }

    // ---- internals ----

    private String node(String opType, String name, List<String> inputs, long[] outShape,
            OnnxMl.AttributeProto... attributes) {
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder()
                .setName(uniqueNode(name)).setOpType(opType).addAllInput(inputs).addOutput(name);
        for (OnnxMl.AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        declare(name, outShape);
        nodes.add(node);
        return name;
    }

    private String uniqueNode(String name) {
        if (!nodeNames.add(name)) {
            throw new IllegalStateException("duplicate node name " + name);
        }
        return name;
    }

    private void declare(String tensor, long[] shape) {
        for (long d : shape) {
            if (d == 0 || d < -1) {
                throw new IllegalStateException(tensor + ": spatial size vanished, shape "
                        + Arrays.toString(shape));
            }
        }
        if (shapes.putIfAbsent(tensor, shape) != null) {
            throw new IllegalStateException("duplicate tensor name " + tensor);
        }
    }

    private String heNormal(String name, long[] dims, int fanIn) {
        double std = Math.sqrt(2.0 / fanIn);
        return addInitializer(name, dims, OnnxMl.TensorProto.DataType.FLOAT,
                gaussianBytes(Math.toIntExact(product(dims)), std), null);
    }

    // Biases and BN betas: small but non-zero, so that no two channels are exactly alike.
    private String smallNormal(String name, int count) {
        return addInitializer(name, new long[] {count}, OnnxMl.TensorProto.DataType.FLOAT,
                gaussianBytes(count, 0.01), null);
    }

    private String floats(String name, long[] dims, float[] values, String doc) {
        ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(values.length, 4))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        return addInitializer(name, dims, OnnxMl.TensorProto.DataType.FLOAT,
                UnsafeByteOperations.unsafeWrap(buf.array()), doc);
    }

    private String int64s(String name, long[] dims, long... values) {
        ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(values.length, 8))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buf.putLong(v);
        }
        return addInitializer(name, dims, OnnxMl.TensorProto.DataType.INT64,
                UnsafeByteOperations.unsafeWrap(buf.array()), NON_LEARNED);
    }

    private String int64s(String name, long[] values) {
        return int64s(name, new long[] {values.length}, values);
    }

    private String addInitializer(String name, long[] dims, OnnxMl.TensorProto.DataType type,
            ByteString raw, String doc) {
        declare(name, dims);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder()
                .setName(name).setDataType(type.getNumber()).setRawData(raw);
        for (long d : dims) {
            t.addDims(d);
        }
        if (doc != null) {
            t.setDocString(doc);
        }
        initializers.add(t.build());
        return name;
    }

    /**
     * Fills the little-endian float32 bytes straight from the generator: no boxed values and no
     * protobuf repeated field, so VGG-16's 553 MB cost one byte array and nothing more.
     */
    private ByteString gaussianBytes(int count, double std) {
        byte[] bytes = new byte[Math.multiplyExact(count, 4)];
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            buf.putFloat((float) (random.nextGaussian() * std));
        }
        return UnsafeByteOperations.unsafeWrap(bytes);
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, OnnxMl.TensorProto.DataType type,
            long[] shape) {
        OnnxMl.TensorShapeProto.Builder s = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : shape) {
            if (d < 0) {
                s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("num_selected"));
            } else {
                s.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            }
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor
                        .newBuilder().setElemType(type.getNumber()).setShape(s)))
                .build();
    }

    private static long pooled(long size, int kernel, int stride, int padBegin, int padEnd) {
        return Math.floorDiv(size + padBegin + padEnd - kernel, stride) + 1;
    }

    private static long product(long[] dims) {
        long p = 1;
        for (long d : dims) {
            p = Math.multiplyExact(p, d);
        }
        return p;
    }

    private static long[] broadcast(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalStateException("cannot broadcast " + Arrays.toString(a) + " and "
                        + Arrays.toString(b));
            }
            out[i] = Math.max(da, db);
        }
        return out;
    }

    private static OnnxMl.AttributeProto attr(String name, int value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static OnnxMl.AttributeProto attr(String name, float value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    private static OnnxMl.AttributeProto ints(String name, int... values) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (int v : values) {
            a.addInts(v);
        }
        return a.build();
    }
}
