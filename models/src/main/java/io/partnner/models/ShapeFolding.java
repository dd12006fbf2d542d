package io.partnner.models;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.partnner.runtime.model.TensorSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the tensors that are constant once the input shapes are fixed, such as a {@code Shape ->
 * Gather -> Concat} chain that feeds a {@code Reshape}. Exporters emit such chains over the image
 * and the feature maps; left alone they keep the image live to the end of a detector, so no cut
 * could fall inside its backbone.
 *
 * <p>The folding is ONNX Runtime's own (its basic-level constant folding knows every static shape),
 * not a shape inference of ours: the model, with its inputs fixed, is optimised once and every
 * original node output that came back as an initializer is taken, with ONNX Runtime's value.
 */
final class ShapeFolding {
  private static final Set<String> SHAPE_OPS = Set.of("Shape", "Size");
  private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ShapeFolding.class.getName());
  /** Weights above this size go to a side file when ONNX Runtime writes the optimised model. */
  private static final String SIDE_FILE_MIN_BYTES = "1024";

  private ShapeFolding() {}

  static Map<String, OnnxMl.TensorProto> fold(OnnxGraph graph, List<TensorSpec> inputs, String modelName) {
    boolean readsShapes = false;
    for (OnnxGraph.Node node : graph.nodes) {
      if (SHAPE_OPS.contains(node.proto().getOpType()) && !graph.constantNode[node.index()]) {
        readsShapes = true;
        break;
      }
    }
    if (!readsShapes) {
      return Map.of();
    }
    OnnxMl.GraphProto.Builder fixed = graph.graph.toBuilder();
    Map<String, TensorSpec> byName = new HashMap<>();
    for (TensorSpec input : inputs) {
      byName.put(input.name(), input);
    }
    for (int i = 0; i < fixed.getInputCount(); i++) {
      TensorSpec spec = byName.get(fixed.getInput(i).getName());
      if (spec == null) {
        continue;
      }
      OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
      spec.shape().forEach(dim -> shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(dim)));
      fixed.getInputBuilder(i).getTypeBuilder().getTensorTypeBuilder().setShape(shape);
    }
    byte[] bytes = graph.model.toBuilder().setGraph(fixed).build().toByteArray();
    Path optimised = null;
    try {
      optimised = Files.createTempFile("partnner-fold-", ".onnx");
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
        options.setOptimizedModelFilePath(optimised.toString());
        // Large weights go to a side file: only the small folded tensors are read back.
        options.addConfigEntry("session.optimized_model_external_initializers_file_name", optimised.getFileName() + ".data");
        options.addConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", SIDE_FILE_MIN_BYTES);
        OrtSupport.environment().createSession(bytes, options).close();
      }
      OnnxMl.ModelProto result;
      try (InputStream in = Files.newInputStream(optimised)) {
        com.google.protobuf.CodedInputStream coded = com.google.protobuf.CodedInputStream.newInstance(in);
        coded.setSizeLimit(Integer.MAX_VALUE);
        result = OnnxMl.ModelProto.parseFrom(coded);
      }
      Set<String> nodeOutputs = new HashSet<>();
      for (OnnxGraph.Node node : graph.nodes) {
        if (!graph.constantNode[node.index()]) {
          nodeOutputs.addAll(node.outputs());
        }
      }
      nodeOutputs.removeAll(graph.graphOutputs);
      Map<String, OnnxMl.TensorProto> folded = new HashMap<>();
      for (OnnxMl.TensorProto tensor : result.getGraph().getInitializerList()) {
        if (nodeOutputs.contains(tensor.getName())) {
          boolean external = tensor.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL;
          folded.put(tensor.getName(),
              external ? ExternalData.inlineTensor(tensor, optimised.toAbsolutePath().getParent(), optimised) : tensor);
        }
      }
      return folded;
    } catch (OrtException | IOException | RuntimeException e) {
      // Folding only adds cuts; without it the model is still analysed as written.
      LOG.warning("model " + modelName + ": shape constants not folded (" + OrtSupport.firstLine(e.getMessage()) + ")");
      return Map.of();
    } finally {
      if (optimised != null) {
        try {
          Files.deleteIfExists(optimised);
          Files.deleteIfExists(optimised.resolveSibling(optimised.getFileName() + ".data"));
        } catch (IOException ignored) {
          // A temp file left behind is harmless.
        }
      }
    }
  }
}
