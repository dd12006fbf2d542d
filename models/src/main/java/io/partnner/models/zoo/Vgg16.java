package io.partnner.models.zoo;

/** VGG-16, configuration D of Simonyan and Zisserman, without batch normalization. */
final class Vgg16 {

    static final int FULL_RESOLUTION = 224;
    static final int MIN_RESOLUTION = 32;

    private static final int[][] STAGES = {{64, 64}, {128, 128}, {256, 256, 256},
        {512, 512, 512}, {512, 512, 512}};

    private Vgg16() {
    }

    static void build(GraphBuilder g, Scaling s) {
        int side = s.resolution(FULL_RESOLUTION, MIN_RESOLUTION);
        String x = g.imageNetImage(side, side);
        for (int stage = 0; stage < STAGES.length; stage++) {
            for (int i = 0; i < STAGES[stage].length; i++) {
                String name = "conv" + (stage + 1) + "_" + (i + 1);
                x = g.conv(name, x, s.channels(STAGES[stage][i]), 3, 1, 1, 1, true);
                x = g.relu("relu" + (stage + 1) + "_" + (i + 1), x);
            }
            x = g.maxPool("pool" + (stage + 1), x, 2, 2, 0, 0, 0, 0);
        }
        // As in AlexNet: fc6 takes whatever pool5 leaves (7x7 at 224).
        x = g.flatten("flatten", x);
        x = g.relu("relu6", g.gemm("fc6", x, s.channels(4096)));
        x = g.relu("relu7", g.gemm("fc7", x, s.channels(4096)));
        g.output(g.gemm("fc8", x, 1000), "logits");
    }
}
