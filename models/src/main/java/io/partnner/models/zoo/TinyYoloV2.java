package io.partnner.models.zoo;

import java.util.List;

/** Tiny-YOLOv2 for PASCAL VOC (darknet's yolov2-tiny-voc) with its region-layer decoding. */
final class TinyYoloV2 {

    static final int FULL_RESOLUTION = 416;
    static final int MIN_RESOLUTION = 32;

    static final int CLASSES = 20;
    // Width, height pairs in grid cells, from the VOC configuration.
    private static final float[] ANCHORS = {1.08f, 1.19f, 3.42f, 4.41f, 6.63f, 11.38f, 9.42f, 5.11f,
        16.62f, 10.52f};
    static final int BOXES_PER_CELL = ANCHORS.length / 2;
    private static final int[] WIDTHS = {16, 32, 64, 128, 256, 512, 1024, 1024};
    private static final float LEAK = 0.1f;

    private TinyYoloV2() {
    }

    static void build(GraphBuilder g, Scaling s) {
        int side = s.resolution(FULL_RESOLUTION, MIN_RESOLUTION);
        // Darknet feeds pixels scaled to [0, 1] with no mean subtraction.
        String x = g.image(side, side, new float[3], new float[] {1f / 255f, 1f / 255f, 1f / 255f});
        for (int i = 0; i < WIDTHS.length; i++) {
            int n = i + 1;
            x = g.conv("conv" + n, x, s.channels(WIDTHS[i]), 3, 1, 1, 1, false);
            x = g.leakyRelu("leaky" + n, g.batchNorm("bn" + n, x, 1f), LEAK);
            if (i < 5) {
                x = g.maxPool("pool" + n, x, 2, 2, 0, 0, 0, 0);
            } else if (i == 5) {
                // Darknet's size-2 stride-1 pool pads at the far edge so the grid stays put.
                x = g.maxPool("pool" + n, x, 2, 1, 0, 0, 1, 1);
            }
        }
        int perBox = 5 + CLASSES;
        String raw = g.conv("conv9", x, BOXES_PER_CELL * perBox, 1, 1, 0, 1, true);
        g.output(raw, "grid");
        decode(g, "grid", perBox);
    }

    /** Region layer: sigmoid centres plus cell offsets, anchor-scaled exp sizes, softmax classes. */
    private static void decode(GraphBuilder g, String raw, int perBox) {
        long[] rawShape = g.shape(raw);
        int rows = Math.toIntExact(rawShape[2]);
        int cols = Math.toIntExact(rawShape[3]);
        String r = g.reshape("decode.reshape", raw, 1, BOXES_PER_CELL, perBox, rows, cols);
        List<String> parts = g.split("decode.split", r, 2, new long[] {2, 2, 1, CLASSES},
                "xy", "wh", "objectness", "classes");

        float[] offsets = new float[2 * rows * cols];
        for (int y = 0; y < rows; y++) {
            for (int xCol = 0; xCol < cols; xCol++) {
                offsets[y * cols + xCol] = xCol;
                offsets[rows * cols + y * cols + xCol] = y;
            }
        }
        String cells = g.constant("decode.cell_offsets", new long[] {1, 1, 2, rows, cols}, offsets);
        String perCell = g.constant("decode.inverse_grid", new long[] {1, 1, 2, 1, 1},
                1f / cols, 1f / rows);
        float[] anchors = new float[ANCHORS.length];
        for (int a = 0; a < BOXES_PER_CELL; a++) {
            anchors[2 * a] = ANCHORS[2 * a] / cols;
            anchors[2 * a + 1] = ANCHORS[2 * a + 1] / rows;
        }
        String anchorSizes = g.constant("decode.anchors", new long[] {1, BOXES_PER_CELL, 2, 1, 1},
                anchors);
        String half = g.sharedScalar("const.half", 0.5f);

        String centre = g.sigmoid("decode.xy_sigmoid", parts.get(0));
        centre = g.add("decode.xy_cells", centre, cells);
        centre = g.mul("decode.centre", centre, perCell);
        String size = g.exp("decode.wh_exp", parts.get(1));
        size = g.mul("decode.size", size, anchorSizes);
        String halfSize = g.mul("decode.half_size", size, half);
        String corners = g.concat("decode.corners", 2, List.of(
                g.sub("decode.min", centre, halfSize), g.add("decode.max", centre, halfSize)));
        corners = g.transpose("decode.corners_last", corners, 0, 1, 3, 4, 2);
        g.output(g.reshape("decode.boxes", corners, 1, -1, 4), "boxes");

        String objectness = g.sigmoid("decode.objectness_sigmoid", parts.get(2));
        String classes = g.softmax("decode.class_softmax", parts.get(3), 2);
        String scores = g.mul("decode.class_scores", classes, objectness);
        scores = g.transpose("decode.scores_last", scores, 0, 1, 3, 4, 2);
        g.output(g.reshape("decode.scores", scores, 1, -1, CLASSES), "scores");
    }
}
