package io.partnner.models;

import ai.onnx.proto.OnnxMl;
import io.partnner.runtime.model.TensorSpec;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cuts a stand-alone model out of a graph: a set of compute nodes, the constant nodes and weights
 * they need (copied to every piece that uses them), the named inputs and outputs.
 */
final class SegmentExtractor {
  private final OnnxGraph graph;
  private final Map<String, OnnxMl.ValueInfoProto> valueInfo = new HashMap<>();
  private final Map<String, OnnxMl.ValueInfoProto> declaredInputs = new HashMap<>();

  SegmentExtractor(OnnxGraph graph) {
    this.graph = graph;
    for (OnnxMl.ValueInfoProto info : graph.graph.getValueInfoList()) {
      valueInfo.put(info.getName(), info);
    }
    for (OnnxMl.ValueInfoProto info : graph.graph.getOutputList()) {
      valueInfo.putIfAbsent(info.getName(), info);
    }
    for (OnnxMl.ValueInfoProto info : graph.graph.getInputList()) {
      declaredInputs.put(info.getName(), info);
    }
  }

  /**
   * @param computeNodes compute nodes of the piece (indices into the graph)
   * @param inputs tensors fed to the piece, with the dtype and rank measured for them
   * @param outputs tensors the piece must return (computed in it, or constants)
   */
  OnnxMl.ModelProto extract(
      BitSet computeNodes, Collection<TensorSpec> inputs, Collection<String> outputs, String graphName) {
    Set<String> fed = new HashSet<>();
    for (TensorSpec input : inputs) {
      fed.add(input.name());
    }
    BitSet selected = (BitSet) computeNodes.clone();
    Set<String> usedInitializers = new HashSet<>();
    ArrayDeque<String> needed = new ArrayDeque<>(outputs);
    for (int node = computeNodes.nextSetBit(0); node >= 0; node = computeNodes.nextSetBit(node + 1)) {
      needed.addAll(graph.nodes.get(node).inputs());
    }
    Set<String> seen = new HashSet<>();
    while (!needed.isEmpty()) {
      String name = needed.pop();
      if (!seen.add(name) || fed.contains(name)) {
        continue;
      }
      if (graph.initializers.containsKey(name)) {
        usedInitializers.add(name);
        continue;
      }
      Integer producer = graph.producer.get(name);
      if (producer == null) {
        throw new ModelException("piece " + graphName + ": tensor '" + name + "' is neither fed, produced nor a weight");
      }
      if (!selected.get(producer)) {
        if (graph.isCompute(producer)) {
          throw new ModelException(
              "piece " + graphName + " needs '" + name + "' from a node outside it that is not one of its inputs");
        }
        selected.set(producer);
        needed.addAll(graph.nodes.get(producer).inputs());
      }
    }

    OnnxMl.GraphProto.Builder piece = OnnxMl.GraphProto.newBuilder().setName(graphName);
    for (int node : graph.topologicalOrder) {
      if (selected.get(node)) {
        piece.addNode(graph.nodes.get(node).proto());
      }
    }
    for (OnnxMl.TensorProto tensor : graph.initializers.values()) {
      if (usedInitializers.contains(tensor.getName()) && !graph.sparseInitializers.contains(tensor.getName())) {
        piece.addInitializer(tensor);
      }
    }
    for (OnnxMl.SparseTensorProto sparse : graph.graph.getSparseInitializerList()) {
      if (usedInitializers.contains(sparse.getValues().getName())) {
        piece.addSparseInitializer(sparse);
      }
    }
    for (TensorSpec input : inputs) {
      piece.addInput(inputInfo(input));
    }
    for (String output : outputs) {
      OnnxMl.ValueInfoProto known = valueInfo.get(output);
      piece.addOutput(known != null ? known : OnnxMl.ValueInfoProto.newBuilder().setName(output).build());
    }
    Set<String> inPiece = new HashSet<>(seen);
    for (OnnxMl.ValueInfoProto info : graph.graph.getValueInfoList()) {
      if (inPiece.contains(info.getName()) && !fed.contains(info.getName()) && !outputs.contains(info.getName())) {
        piece.addValueInfo(info);
      }
    }
    // Everything else on the model (opsets, IR version, local functions, metadata) stays as it is.
    return graph.model.toBuilder().setGraph(piece).build();
  }

  /**
   * A graph input keeps its declaration (symbolic dimensions included). An intermediate tensor gets
   * the exporter's declaration when there is one, else its type and rank with open dimensions, since
   * a length may depend on the data.
   */
  private OnnxMl.ValueInfoProto inputInfo(TensorSpec input) {
    OnnxMl.ValueInfoProto declared = declaredInputs.get(input.name());
    if (declared != null && declared.getType().hasTensorType()) {
      // The model's own input, with the dimensions it was analysed at: folded shape constants hold only for them.
      OnnxMl.TensorShapeProto.Builder fixed = OnnxMl.TensorShapeProto.newBuilder();
      for (long dim : input.shape()) {
        fixed.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(dim));
      }
      OnnxMl.ValueInfoProto.Builder builder = declared.toBuilder();
      builder.getTypeBuilder().getTensorTypeBuilder().setShape(fixed);
      return builder.build();
    }
    OnnxMl.ValueInfoProto known = valueInfo.get(input.name());
    if (known != null && agrees(known, input)) {
      return known;
    }
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (int i = 0; i < input.shape().size(); i++) {
      shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(sanitize(input.name()) + "_d" + i));
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(input.name())
        .setType(OnnxMl.TypeProto.newBuilder()
            .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(input.dataType().onnxCode())
                .setShape(shape)))
        .build();
  }

  /** The exporter's declaration fits what was measured: same type and rank, fixed dimensions equal. */
  private static boolean agrees(OnnxMl.ValueInfoProto declared, TensorSpec measured) {
    if (!declared.getType().hasTensorType() || !declared.getType().getTensorType().hasShape()) {
      return false;
    }
    OnnxMl.TypeProto.Tensor type = declared.getType().getTensorType();
    if (type.getElemType() != measured.dataType().onnxCode()
        || type.getShape().getDimCount() != measured.shape().size()) {
      return false;
    }
    for (int i = 0; i < type.getShape().getDimCount(); i++) {
      OnnxMl.TensorShapeProto.Dimension dim = type.getShape().getDim(i);
      if (dim.hasDimValue() && dim.getDimValue() != measured.shape().get(i)) {
        return false;
      }
    }
    return true;
  }

  private static String sanitize(String name) {
    return name.replaceAll("[^A-Za-z0-9_]", "_");
  }

  static BitSet nodesOf(int[] order, int from, int to) {
    BitSet nodes = new BitSet();
    for (int i = from; i < to; i++) {
      nodes.set(order[i]);
    }
    return nodes;
  }

  static List<String> names(Collection<TensorSpec> specs) {
    return specs.stream().map(TensorSpec::name).toList();
  }
}
