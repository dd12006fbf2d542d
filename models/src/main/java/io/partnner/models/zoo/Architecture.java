package io.partnner.models.zoo;

import java.util.function.BiConsumer;

/** The zoo's entries in their stable order, each with its seed and graph-building code. */
enum Architecture {
    ALEXNET("alexnet", 0x0A1E_2012L, AlexNet::build,
            "AlexNet (Krizhevsky et al., NeurIPS 2012), torchvision single-tower form: 5 conv + 3 FC,"
                    + " 61.1M params, 224x224 input"),
    VGG16("vgg16", 0x0766_2015L, Vgg16::build,
            "VGG-16 (Simonyan & Zisserman, ICLR 2015), configuration D without batch norm:"
                    + " 13 conv + 3 FC, 138.4M params, 224x224 input"),
    RESNET50("resnet50", 0x2E50_2016L, ResNet50::build,
            "ResNet-50 (He et al., CVPR 2016), torchvision bottleneck v1.5 (stride on the 3x3 conv),"
                    + " 25.6M params, 224x224 input"),
    MOBILENET_V2("mobilenet_v2", 0x3B2_2018L, MobileNetV2::build,
            "MobileNetV2 (Sandler et al., CVPR 2018), width 1.0, inverted residuals with ReLU6,"
                    + " 3.5M params, 224x224 input"),
    TINY_YOLOV2("tiny_yolov2", 0x7140_2017L, TinyYoloV2::build,
            "Tiny-YOLOv2 VOC (Redmon & Farhadi, CVPR 2017): 9 conv with BN + LeakyReLU, 13x13x5"
                    + " anchors x 20 classes with decoded boxes, 15.9M params, 416x416 input"),
    SSD_MOBILENET_V2("ssd_mobilenet_v2", 0x55D_2018L,
            SsdLiteMobileNetV2::build,
            "SSDLite (Sandler et al., CVPR 2018; SSD: Liu et al., ECCV 2016) on MobileNetV2:"
                    + " 6 feature maps, depthwise-separable heads, 91 COCO classes,"
                    + " NonMaxSuppression, 4.5M params, 320x320 input");

    private final String zooName;
    private final long seed;
    private final BiConsumer<GraphBuilder, Scaling> graph;
    private final String description;

    Architecture(String zooName, long seed, BiConsumer<GraphBuilder, Scaling> graph, String description) {
        this.zooName = zooName;
        this.seed = seed;
        this.graph = graph;
        this.description = description;
    }

    String zooName() {
        return zooName;
    }

    long seed() {
        return seed;
    }

    String description() {
        return description;
    }

    void build(GraphBuilder g, Scaling s) {
        graph.accept(g, s);
    }
}
