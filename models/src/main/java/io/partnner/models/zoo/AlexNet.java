package io.partnner.models.zoo;

/** AlexNet in torchvision's single-tower layout (5 conv, 3 fully connected). */
final class AlexNet {

    static final int FULL_RESOLUTION = 224;
    // Smallest side for which conv1 (stride 4) and three 3x3/2 pools still leave 1x1.
    static final int MIN_RESOLUTION = 64;

    private AlexNet() {
    }

    static void build(GraphBuilder g, Scaling s) {
        int side = s.resolution(FULL_RESOLUTION, MIN_RESOLUTION);
        String x = g.imageNetImage(side, side);
        x = g.relu("relu1", g.conv("conv1", x, s.channels(64), 11, 4, 2, 1, true));
        x = g.maxPool("pool1", x, 3, 2, 0, 0, 0, 0);
        x = g.relu("relu2", g.conv("conv2", x, s.channels(192), 5, 1, 2, 1, true));
        x = g.maxPool("pool2", x, 3, 2, 0, 0, 0, 0);
        x = g.relu("relu3", g.conv("conv3", x, s.channels(384), 3, 1, 1, 1, true));
        x = g.relu("relu4", g.conv("conv4", x, s.channels(256), 3, 1, 1, 1, true));
        x = g.relu("relu5", g.conv("conv5", x, s.channels(256), 3, 1, 1, 1, true));
        x = g.maxPool("pool5", x, 3, 2, 0, 0, 0, 0);
        // torchvision's adaptive pool to 6x6 is the identity at 224; at other sizes fc6 is sized to
        // whatever pool5 leaves rather than resampling it. Dropout is the identity at inference.
        x = g.flatten("flatten", x);
        x = g.relu("relu6", g.gemm("fc6", x, s.channels(4096)));
        x = g.relu("relu7", g.gemm("fc7", x, s.channels(4096)));
        g.output(g.gemm("fc8", x, 1000), "logits");
    }
}
