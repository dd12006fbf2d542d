package io.partnner.models;

import ai.onnx.proto.OnnxMl;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.model.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Concrete shapes for a model's inputs, given as {@code NAME=1x3x224x224} where the model leaves dimensions open. */
public final class InputShapes {
  private final Map<String, List<Long>> given;

  private InputShapes(Map<String, List<Long>> given) {
    this.given = given;
  }

  /** No shapes given: every input must be fully fixed by the model itself. */
  public static InputShapes none() {
    return new InputShapes(Map.of());
  }

  /** Shapes given by input name; every dimension must be positive. */
  public static InputShapes of(Map<String, List<Long>> shapes) {
    Map<String, List<Long>> copy = new LinkedHashMap<>();
    shapes.forEach((name, dims) -> {
      for (long dim : dims) {
        if (dim <= 0) {
          throw new ModelException("input shape of '" + name + "': dimension " + dim + " is not positive");
        }
      }
      copy.put(name, List.copyOf(dims));
    });
    return new InputShapes(Map.copyOf(copy));
  }

  /** Parses {@code NAME=DIMS} items; a bad item gives a {@link ModelException} naming it. */
  public static InputShapes parse(List<String> items) {
    Map<String, List<Long>> shapes = new LinkedHashMap<>();
    for (String item : items) {
      int equals = item.lastIndexOf('=');
      if (equals <= 0 || equals == item.length() - 1) {
        throw new ModelException("--input-shape '" + item + "': expected NAME=DIMS, e.g. input=1x3x224x224");
      }
      String name = item.substring(0, equals);
      List<Long> dims = new ArrayList<>();
      for (String part : item.substring(equals + 1).split("[x,]", -1)) {
        try {
          long dim = Long.parseLong(part.strip());
          if (dim <= 0) {
            throw new NumberFormatException();
          }
          dims.add(dim);
        } catch (NumberFormatException e) {
          throw new ModelException(
              "--input-shape '" + item + "': dimension '" + part + "' is not a positive integer");
        }
      }
      if (shapes.put(name, List.copyOf(dims)) != null) {
        throw new ModelException("--input-shape: input '" + name + "' is given twice");
      }
    }
    return new InputShapes(Map.copyOf(shapes));
  }

  /** Shapes by input name, as given. */
  public Map<String, List<Long>> given() {
    return given;
  }

  /** The model's run-time inputs with every dimension fixed, checked against what the model declares. */
  List<TensorSpec> resolve(OnnxGraph graph, String modelName) {
    Map<String, OnnxMl.ValueInfoProto> declared = new LinkedHashMap<>();
    for (OnnxMl.ValueInfoProto input : graph.graph.getInputList()) {
      if (graph.graphInputs.contains(input.getName())) {
        declared.put(input.getName(), input);
      }
    }
    for (String name : given.keySet()) {
      if (!declared.containsKey(name)) {
        throw new ModelException(
            "--input-shape " + name + ": model " + modelName + " has no input '" + name + "'; its inputs are " + declared.keySet());
      }
    }
    List<TensorSpec> specs = new ArrayList<>();
    for (OnnxMl.ValueInfoProto input : declared.values()) {
      specs.add(resolveOne(input, modelName));
    }
    return specs;
  }

  private TensorSpec resolveOne(OnnxMl.ValueInfoProto input, String modelName) {
    String name = input.getName();
    if (!input.getType().hasTensorType()) {
      throw new ModelException("model " + modelName + ": input '" + name + "' is not a tensor; only tensor inputs are supported");
    }
    OnnxMl.TypeProto.Tensor type = input.getType().getTensorType();
    DataType dataType = DataType.fromOnnxCode(type.getElemType());
    if (dataType == null || dataType == DataType.STRING) {
      throw new ModelException(
          "model " + modelName + ": input '" + name + "' has element type " + type.getElemType() + ", which is not supported");
    }
    List<OnnxMl.TensorShapeProto.Dimension> dims = type.getShape().getDimList();
    List<Long> wanted = given.get(name);
    String declaredText = describe(dims, type.hasShape());
    if (wanted == null) {
      List<Long> shape = new ArrayList<>();
      for (OnnxMl.TensorShapeProto.Dimension dim : dims) {
        if (!dim.hasDimValue()) {
          throw new ModelException(
              "model " + modelName + ": input '" + name + "' has symbolic dimensions " + declaredText
                  + "; fix them with --input-shape " + name + "=" + example(dims));
        }
        shape.add(dim.getDimValue());
      }
      if (!type.hasShape()) {
        throw new ModelException(
            "model " + modelName + ": input '" + name + "' declares no shape; give one with --input-shape " + name + "=DIMS");
      }
      return new TensorSpec(name, dataType, shape);
    }
    if (type.hasShape() && dims.size() != wanted.size()) {
      throw new ModelException(
          "--input-shape " + name + ": rank " + wanted.size() + " does not match the model's " + declaredText
              + " (rank " + dims.size() + ")");
    }
    for (int i = 0; i < dims.size(); i++) {
      OnnxMl.TensorShapeProto.Dimension dim = dims.get(i);
      if (dim.hasDimValue() && dim.getDimValue() != wanted.get(i)) {
        throw new ModelException(
            "--input-shape " + name + ": dimension " + i + " is fixed at " + dim.getDimValue() + " by the model "
                + declaredText + ", got " + wanted.get(i));
      }
    }
    return new TensorSpec(name, dataType, wanted);
  }

  private static String describe(List<OnnxMl.TensorShapeProto.Dimension> dims, boolean hasShape) {
    if (!hasShape) {
      return "(no shape)";
    }
    List<String> parts = new ArrayList<>();
    for (OnnxMl.TensorShapeProto.Dimension dim : dims) {
      parts.add(dim.hasDimValue() ? Long.toString(dim.getDimValue()) : dim.getDimParam().isEmpty() ? "?" : dim.getDimParam());
    }
    return "[" + String.join(",", parts) + "]";
  }

  private static String example(List<OnnxMl.TensorShapeProto.Dimension> dims) {
    List<String> parts = new ArrayList<>();
    for (OnnxMl.TensorShapeProto.Dimension dim : dims) {
      parts.add(dim.hasDimValue() ? Long.toString(dim.getDimValue()) : "N");
    }
    return String.join("x", parts);
  }
}
