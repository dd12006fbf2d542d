package io.partnner.models.zoo;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.List;

/** SSDLite on a MobileNetV2 backbone, as described in the MobileNetV2 paper (section 6.2). */
final class SsdLiteMobileNetV2 {

    static final int FULL_RESOLUTION = 320;
    static final int MIN_RESOLUTION = 32;

    static final int CLASSES = 91;
    private static final int[] EXTRA_DEPTHS = {512, 256, 256, 128};
    private static final double MIN_SCALE = 0.2;
    private static final double MAX_SCALE = 0.95;
    private static final double[] ASPECT_RATIOS = {1.0, 2.0, 0.5, 3.0, 1.0 / 3.0};
    // Box-coder variances: deltas are predicted in units of 0.1 (centre) and 0.2 (log size).
    private static final float CENTRE_VARIANCE = 0.1f;
    private static final float SIZE_VARIANCE = 0.2f;
    private static final long MAX_DETECTIONS_PER_CLASS = 100;
    private static final float IOU_THRESHOLD = 0.6f;
    private static final float SCORE_THRESHOLD = 0.05f;

    private SsdLiteMobileNetV2() {
    }

    static void build(GraphBuilder g, Scaling s) {
        int side = s.resolution(FULL_RESOLUTION, MIN_RESOLUTION);
        String x = g.imageNetImage(side, side);
        List<String> features = new ArrayList<>(MobileNetV2.backbone(g, s, "backbone", x));
        x = features.get(1);
        for (int i = 0; i < EXTRA_DEPTHS.length; i++) {
            String p = "extras." + i;
            int mid = s.channels(EXTRA_DEPTHS[i] / 2);
            x = MobileNetV2.convBnRelu6(g, p + ".reduce", x, mid, 1, 1, 1);
            x = MobileNetV2.convBnRelu6(g, p + ".dw", x, mid, 3, 2, mid);
            x = MobileNetV2.convBnRelu6(g, p + ".project", x, s.channels(EXTRA_DEPTHS[i]), 1, 1, 1);
            features.add(x);
        }

        // All six maps are alive until the heads below have consumed them, as in a real SSD.
        List<String> classLogits = new ArrayList<>();
        List<String> boxDeltas = new ArrayList<>();
        List<float[]> priors = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            String f = features.get(i);
            float[] shapes = anchorShapes(i, features.size());
            int anchors = shapes.length / 2;
            classLogits.add(head(g, "head." + i + ".cls", f, anchors, CLASSES));
            boxDeltas.add(head(g, "head." + i + ".box", f, anchors, 4));
            long[] fs = g.shape(f);
            priors.add(priors(Math.toIntExact(fs[2]), Math.toIntExact(fs[3]), shapes));
        }
        String logits = g.concat("cls_logits", 1, classLogits);
        String deltas = g.concat("box_deltas", 1, boxDeltas);
        decode(g, logits, deltas, priors);
    }

    /** Depthwise 3x3 + BN + ReLU6, then a 1x1 conv predicting {@code perAnchor} values per anchor. */
    private static String head(GraphBuilder g, String p, String f, int anchors, int perAnchor) {
        int c = g.channels(f);
        String y = MobileNetV2.convBnRelu6(g, p + ".dw", f, c, 3, 1, c);
        y = g.conv(p + ".conv", y, anchors * perAnchor, 1, 1, 0, 1, true);
        long[] shape = g.shape(y);
        y = g.reshape(p + ".split_anchors", y, 1, anchors, perAnchor, shape[2], shape[3]);
        // Anchor order is row, column, anchor: the order the priors are generated in.
        y = g.transpose(p + ".anchors_last", y, 0, 3, 4, 1, 2);
        return g.reshape(p + ".flatten", y, 1, -1, perAnchor);
    }

    /**
     * Width and height pairs for feature map {@code index}: three small boxes on the first map,
     * five aspect ratios plus one intermediate scale on the others (the SSD paper's scheme).
     */
    private static float[] anchorShapes(int index, int maps) {
        double scale = MIN_SCALE + (MAX_SCALE - MIN_SCALE) * index / (maps - 1);
        if (index == 0) {
            return new float[] {0.1f, 0.1f,
                (float) (scale * Math.sqrt(2)), (float) (scale / Math.sqrt(2)),
                (float) (scale * Math.sqrt(0.5)), (float) (scale / Math.sqrt(0.5))};
        }
        double next = index == maps - 1 ? 1.0
                : MIN_SCALE + (MAX_SCALE - MIN_SCALE) * (index + 1) / (maps - 1);
        float[] shapes = new float[2 * (ASPECT_RATIOS.length + 1)];
        for (int a = 0; a < ASPECT_RATIOS.length; a++) {
            shapes[2 * a] = (float) (scale * Math.sqrt(ASPECT_RATIOS[a]));
            shapes[2 * a + 1] = (float) (scale / Math.sqrt(ASPECT_RATIOS[a]));
        }
        float between = (float) Math.sqrt(scale * next);
        shapes[2 * ASPECT_RATIOS.length] = between;
        shapes[2 * ASPECT_RATIOS.length + 1] = between;
        return shapes;
    }

    /** Priors (cx, cy, w, h), normalised to the image, in row, column, anchor order. */
    private static float[] priors(int rows, int cols, float[] shapes) {
        int anchors = shapes.length / 2;
        float[] out = new float[rows * cols * anchors * 4];
        int k = 0;
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < cols; x++) {
                for (int a = 0; a < anchors; a++) {
                    out[k++] = (x + 0.5f) / cols;
                    out[k++] = (y + 0.5f) / rows;
                    out[k++] = shapes[2 * a];
                    out[k++] = shapes[2 * a + 1];
                }
            }
        }
        return out;
    }

    private static void decode(GraphBuilder g, String logits, String deltas, List<float[]> priors) {
        int total = 0;
        for (float[] p : priors) {
            total += p.length / 4;
        }
        float[] centres = new float[2 * total];
        float[] sizes = new float[2 * total];
        float[] centreSteps = new float[2 * total];
        int k = 0;
        for (float[] p : priors) {
            for (int i = 0; i < p.length; i += 4) {
                centres[k] = p[i];
                centres[k + 1] = p[i + 1];
                sizes[k] = p[i + 2];
                sizes[k + 1] = p[i + 3];
                centreSteps[k] = CENTRE_VARIANCE * p[i + 2];
                centreSteps[k + 1] = CENTRE_VARIANCE * p[i + 3];
                k += 2;
            }
        }
        long[] dims = {1, total, 2};
        String priorCentres = g.constant("priors.centre", dims, centres);
        String priorSizes = g.constant("priors.size", dims, sizes);
        String priorSteps = g.constant("priors.centre_step", dims, centreSteps);
        String sizeVariance = g.sharedScalar("const.size_variance", SIZE_VARIANCE);
        String half = g.sharedScalar("const.half", 0.5f);

        List<String> parts = g.split("decode.split", deltas, 2, new long[] {2, 2}, "xy", "wh");
        String centre = g.mul("decode.centre_offset", parts.get(0), priorSteps);
        centre = g.add("decode.centre", centre, priorCentres);
        String size = g.mul("decode.log_size", parts.get(1), sizeVariance);
        size = g.exp("decode.size_ratio", size);
        size = g.mul("decode.size", size, priorSizes);
        String halfSize = g.mul("decode.half_size", size, half);
        String boxes = g.concat("decode.boxes", 2, List.of(
                g.sub("decode.min", centre, halfSize), g.add("decode.max", centre, halfSize)));
        String scores = g.softmax("decode.scores", logits, 2);
        String perClass = g.transpose("nms.scores", scores, 0, 2, 1);
        String selected = g.nonMaxSuppression("nms", boxes, perClass, MAX_DETECTIONS_PER_CLASS,
                IOU_THRESHOLD, SCORE_THRESHOLD);
        g.output(boxes, "boxes");
        g.output(scores, "scores");
        g.output(selected, "selected_indices", OnnxMl.TensorProto.DataType.INT64);
    }
}
