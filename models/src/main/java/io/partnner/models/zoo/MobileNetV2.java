package io.partnner.models.zoo;

import java.util.List;

/** MobileNetV2 (inverted residuals, linear bottlenecks, ReLU6), also the SSDLite backbone. */
final class MobileNetV2 {

    static final int FULL_RESOLUTION = 224;
    static final int MIN_RESOLUTION = 32;

    // Expansion t, output channels c, repeats n, first stride s: table 2 of the paper.
    private static final int[][] SETTINGS = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
        {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
    // The block whose expansion SSDLite taps at output stride 16 ("layer 15" in the paper).
    private static final int SSD_TAP_BLOCK = 14;
    private static final float BRANCH_GAMMA = 0.3f;

    private MobileNetV2() {
    }

    static void build(GraphBuilder g, Scaling s) {
        int side = s.resolution(FULL_RESOLUTION, MIN_RESOLUTION);
        String x = g.imageNetImage(side, side);
        x = backbone(g, s, "features", x).get(1);
        x = g.globalAveragePool("pool", x);
        x = g.flatten("flatten", x);
        g.output(g.gemm("classifier", x, 1000), "logits");
    }

    /**
     * The 19 feature layers; returns the stride-16 expansion output of block 14 and the final
     * 1x1 conv output, the two taps SSDLite predicts from.
     */
    static List<String> backbone(GraphBuilder g, Scaling s, String prefix, String x) {
        int index = 0;
        x = convBnRelu6(g, prefix + "." + index++, x, s.channels(32), 3, 2, 1);
        String tap = null;
        for (int[] setting : SETTINGS) {
            int out = s.channels(setting[1]);
            for (int i = 0; i < setting[2]; i++) {
                String name = prefix + "." + index;
                int inChannels = g.channels(x);
                int hidden = inChannels * setting[0];
                String y = x;
                if (setting[0] != 1) {
                    y = convBnRelu6(g, name + ".expand", y, hidden, 1, 1, 1);
                }
                if (index == SSD_TAP_BLOCK) {
                    tap = y;
                }
                int stride = i == 0 ? setting[3] : 1;
                y = g.conv(name + ".dw.conv", y, hidden, 3, stride, 1, hidden, false);
                y = g.relu6(name + ".dw.relu6", g.batchNorm(name + ".dw.bn", y, 1f));
                y = g.conv(name + ".project.conv", y, out, 1, 1, 0, 1, false);
                boolean residual = stride == 1 && inChannels == out;
                y = g.batchNorm(name + ".project.bn", y, residual ? BRANCH_GAMMA : 1f);
                x = residual ? g.add(name + ".add", x, y) : y;
                index++;
            }
        }
        x = convBnRelu6(g, prefix + "." + index, x, s.channels(1280), 1, 1, 1);
        return List.of(tap, x);
    }

    /** Conv without bias, BN, ReLU6: the building unit used throughout MobileNetV2 and SSDLite. */
    static String convBnRelu6(GraphBuilder g, String name, String x, int out, int kernel, int stride,
            int groups) {
        String y = g.conv(name + ".conv", x, out, kernel, stride, kernel / 2, groups, false);
        return g.relu6(name + ".relu6", g.batchNorm(name + ".bn", y, 1f));
    }
}
