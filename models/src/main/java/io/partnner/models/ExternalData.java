package io.partnner.models;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.nio.file.Path;

/** Reads tensors stored in external data files into the model, so it can travel as one blob. */
final class ExternalData {
  private ExternalData() {}

  static OnnxMl.ModelProto inline(OnnxMl.ModelProto model, Path modelFile) {
    if (!usesExternalData(model.getGraph())) {
      return model;
    }
    Path directory = modelFile.toAbsolutePath().getParent();
    OnnxMl.ModelProto.Builder builder = model.toBuilder();
    inlineGraph(builder.getGraphBuilder(), directory, modelFile);
    return builder.build();
  }

  private static boolean usesExternalData(OnnxMl.GraphProto graph) {
    for (OnnxMl.TensorProto tensor : graph.getInitializerList()) {
      if (tensor.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
        return true;
      }
    }
    for (OnnxMl.NodeProto node : graph.getNodeList()) {
      for (OnnxMl.AttributeProto attribute : node.getAttributeList()) {
        if (attribute.hasT() && attribute.getT().getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
          return true;
        }
        if (attribute.hasG() && usesExternalData(attribute.getG())) {
          return true;
        }
        for (OnnxMl.GraphProto sub : attribute.getGraphsList()) {
          if (usesExternalData(sub)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static void inlineGraph(OnnxMl.GraphProto.Builder graph, Path directory, Path modelFile) {
    for (int i = 0; i < graph.getInitializerCount(); i++) {
      OnnxMl.TensorProto tensor = graph.getInitializer(i);
      if (tensor.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
        graph.setInitializer(i, inlineTensor(tensor, directory, modelFile));
      }
    }
    for (int n = 0; n < graph.getNodeCount(); n++) {
      OnnxMl.NodeProto.Builder node = graph.getNodeBuilder(n);
      for (int a = 0; a < node.getAttributeCount(); a++) {
        OnnxMl.AttributeProto.Builder attribute = node.getAttributeBuilder(a);
        if (attribute.hasT() && attribute.getT().getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
          attribute.setT(inlineTensor(attribute.getT(), directory, modelFile));
        }
        if (attribute.hasG()) {
          inlineGraph(attribute.getGBuilder(), directory, modelFile);
        }
        for (int g = 0; g < attribute.getGraphsCount(); g++) {
          inlineGraph(attribute.getGraphsBuilder(g), directory, modelFile);
        }
      }
    }
  }

  static OnnxMl.TensorProto inlineTensor(OnnxMl.TensorProto tensor, Path directory, Path modelFile) {
    String location = null;
    long offset = 0;
    long length = -1;
    for (OnnxMl.StringStringEntryProto entry : tensor.getExternalDataList()) {
      switch (entry.getKey()) {
        case "location" -> location = entry.getValue();
        case "offset" -> offset = parse(entry.getValue(), tensor, modelFile);
        case "length" -> length = parse(entry.getValue(), tensor, modelFile);
        default -> { }
      }
    }
    if (location == null) {
      throw new ModelException(
          "model file " + modelFile + ": tensor '" + tensor.getName() + "' is stored externally but names no location");
    }
    Path dataFile = directory.resolve(location).normalize();
    if (!dataFile.startsWith(directory)) {
      throw new ModelException(
          "model file " + modelFile + ": tensor '" + tensor.getName() + "' points outside the model's directory: " + location);
    }
    try {
      return tensor.toBuilder()
          .clearExternalData()
          .clearDataLocation()
          .setRawData(OnnxModel.readRange(dataFile, offset, length))
          .build();
    } catch (IOException e) {
      String why = e instanceof java.nio.file.NoSuchFileException ? "the file is missing" : e.getMessage();
      throw new ModelException(
          "model file " + modelFile + ": external data " + dataFile + " for tensor '" + tensor.getName() + "': " + why, e);
    }
  }

  private static long parse(String value, OnnxMl.TensorProto tensor, Path modelFile) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new ModelException(
          "model file " + modelFile + ": tensor '" + tensor.getName() + "' has a bad external data number '" + value + "'");
    }
  }
}
