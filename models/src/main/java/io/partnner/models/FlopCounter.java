package io.partnner.models;

import ai.onnx.proto.OnnxMl;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Multiply-adds per node, from the shapes measured on the sample input. This is a prior for the
 * planner only, replaced by measured times as soon as there are any, so it counts the dominant
 * term of each operator and nothing finer.
 */
final class FlopCounter {
  /**
   * Ops that only relabel data (no element is touched). Ops that copy or convert elements (Cast,
   * Concat, Transpose, Gather, Slice...) count one per output element like element-wise ops: they take
   * time, and a block made of one of them (a Cast at the model's input, say) must not look free, or the
   * speed ratio learned from it would be undefined.
   */
  private static final Set<String> FREE_OPS =
      Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Shape", "Size", "Identity", "Constant", "Dropout");

  private final OnnxGraph graph;
  private final Map<String, List<Long>> shapes;

  FlopCounter(OnnxGraph graph, Map<String, List<Long>> shapes) {
    this.graph = graph;
    this.shapes = shapes;
  }

  double of(int nodeIndex) {
    OnnxGraph.Node node = graph.nodes.get(nodeIndex);
    OnnxMl.NodeProto proto = node.proto();
    String op = proto.getOpType();
    if (!graph.isCompute(nodeIndex) || FREE_OPS.contains(op)) {
      return 0;
    }
    double outputs = node.outputs().isEmpty() ? 0 : elements(shapes.get(node.outputs().get(0)));
    switch (op) {
      case "Conv": {
        List<Long> x = input(proto, 0);
        long group = intAttribute(proto, "group", 1);
        double kernel = kernelElements(proto, 1);
        double inChannels = x != null && x.size() > 1 ? x.get(1) : 1;
        return outputs * (inChannels / group) * kernel;
      }
      case "ConvTranspose": {
        List<Long> x = input(proto, 0);
        List<Long> w = input(proto, 1);
        double perInput = w != null && w.size() > 1 ? w.get(1) : 1;
        return elements(x) * perInput * kernelElements(proto, 1);
      }
      case "Gemm": {
        List<Long> a = input(proto, 0);
        boolean transposed = intAttribute(proto, "transA", 0) != 0;
        double inner = a == null || a.size() < 2 ? 1 : a.get(transposed ? 0 : 1);
        return outputs * inner;
      }
      case "MatMul", "MatMulInteger", "QLinearMatMul": {
        List<Long> a = input(proto, 0);
        double inner = a == null || a.isEmpty() ? 1 : a.get(a.size() - 1);
        return outputs * inner;
      }
      case "MaxPool", "AveragePool", "LpPool":
        return outputs * kernelElements(proto, -1);
      case "GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "ReduceSum", "ReduceMax", "Softmax", "LogSoftmax":
        return Math.max(outputs, elements(input(proto, 0)));
      default:
        return outputs;
    }
  }

  private List<Long> input(OnnxMl.NodeProto proto, int index) {
    if (proto.getInputCount() <= index || proto.getInput(index).isEmpty()) {
      return null;
    }
    String name = proto.getInput(index);
    List<Long> shape = shapes.get(name);
    if (shape != null) {
      return shape;
    }
    OnnxMl.TensorProto weight = graph.initializers.get(name);
    if (weight != null) {
      return weight.getDimsList();
    }
    Integer producer = graph.producer.get(name);
    if (producer != null) {
      // Exporters such as paddle2onnx keep every weight in a Constant node.
      for (OnnxMl.AttributeProto attribute : graph.nodes.get(producer).proto().getAttributeList()) {
        if (attribute.getName().equals("value") && attribute.hasT()) {
          return attribute.getT().getDimsList();
        }
      }
    }
    return null;
  }

  private double kernelElements(OnnxMl.NodeProto proto, int weightInput) {
    for (OnnxMl.AttributeProto attribute : proto.getAttributeList()) {
      if (attribute.getName().equals("kernel_shape")) {
        double product = 1;
        for (long dim : attribute.getIntsList()) {
          product *= dim;
        }
        return product;
      }
    }
    List<Long> weight = weightInput < 0 ? null : input(proto, weightInput);
    if (weight == null || weight.size() < 3) {
      return 1;
    }
    double product = 1;
    for (long dim : weight.subList(2, weight.size())) {
      product *= dim;
    }
    return product;
  }

  private static long intAttribute(OnnxMl.NodeProto proto, String name, long fallback) {
    for (OnnxMl.AttributeProto attribute : proto.getAttributeList()) {
      if (attribute.getName().equals(name)) {
        return attribute.getI();
      }
    }
    return fallback;
  }

  private static double elements(List<Long> shape) {
    if (shape == null) {
      return 0;
    }
    double count = 1;
    for (long dim : shape) {
      count *= dim;
    }
    return count;
  }
}
