package io.partnner.models.zoo;

/** ResNet-50 with torchvision's v1.5 bottleneck (the stride sits on the 3x3 conv). */
final class ResNet50 {

    static final int FULL_RESOLUTION = 224;
    static final int MIN_RESOLUTION = 32;

    private static final int[] BLOCKS = {3, 4, 6, 3};
    private static final int[] PLANES = {64, 128, 256, 512};
    private static final int EXPANSION = 4;
    // Each block adds its branch to the trunk; a damped last BN keeps the trunk's variance from
    // growing sixteen-fold through the stack with random weights.
    private static final float BRANCH_GAMMA = 0.3f;

    private ResNet50() {
    }

    static void build(GraphBuilder g, Scaling s) {
        int side = s.resolution(FULL_RESOLUTION, MIN_RESOLUTION);
        String x = g.imageNetImage(side, side);
        x = g.conv("conv1", x, s.channels(64), 7, 2, 3, 1, false);
        x = g.relu("relu", g.batchNorm("bn1", x, 1f));
        x = g.maxPool("maxpool", x, 3, 2, 1, 1, 1, 1);
        for (int layer = 0; layer < BLOCKS.length; layer++) {
            for (int block = 0; block < BLOCKS[layer]; block++) {
                int stride = layer > 0 && block == 0 ? 2 : 1;
                x = bottleneck(g, "layer" + (layer + 1) + "." + block, x, s.channels(PLANES[layer]),
                        stride);
            }
        }
        x = g.globalAveragePool("avgpool", x);
        x = g.flatten("flatten", x);
        g.output(g.gemm("fc", x, 1000), "logits");
    }

    private static String bottleneck(GraphBuilder g, String p, String x, int planes, int stride) {
        int out = planes * EXPANSION;
        String y = g.conv(p + ".conv1", x, planes, 1, 1, 0, 1, false);
        y = g.relu(p + ".relu1", g.batchNorm(p + ".bn1", y, 1f));
        y = g.conv(p + ".conv2", y, planes, 3, stride, 1, 1, false);
        y = g.relu(p + ".relu2", g.batchNorm(p + ".bn2", y, 1f));
        y = g.conv(p + ".conv3", y, out, 1, 1, 0, 1, false);
        y = g.batchNorm(p + ".bn3", y, BRANCH_GAMMA);
        String identity = x;
        if (stride != 1 || g.channels(x) != out) {
            identity = g.conv(p + ".downsample.0", x, out, 1, stride, 0, 1, false);
            identity = g.batchNorm(p + ".downsample.1", identity, 1f);
        }
        return g.relu(p + ".relu3", g.add(p + ".add", y, identity));
    }
}
