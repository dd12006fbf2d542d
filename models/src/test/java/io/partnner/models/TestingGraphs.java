package io.partnner.models;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Builds tiny ONNX graphs for the odd cases exporters produce now and then. */
final class TestingGraphs {
  static final int FLOAT = 1;

  private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("testing");

  TestingGraphs input(String name, Object... dims) {
    graph.addInput(info(name, dims));
    return this;
  }

  TestingGraphs output(String name) {
    graph.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(name));
    return this;
  }

  TestingGraphs valueInfo(String name, Object... dims) {
    graph.addValueInfo(info(name, dims));
    return this;
  }

  TestingGraphs node(String op, List<String> inputs, List<String> outputs, OnnxMl.AttributeProto... attributes) {
    graph.addNode(OnnxMl.NodeProto.newBuilder()
        .setOpType(op)
        .setName(op + "_" + graph.getNodeCount())
        .addAllInput(inputs)
        .addAllOutput(outputs)
        .addAllAttribute(List.of(attributes)));
    return this;
  }

  TestingGraphs floats(String name, List<Long> dims, float... values) {
    ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float value : values) {
      data.putFloat(value);
    }
    data.flip();
    graph.addInitializer(OnnxMl.TensorProto.newBuilder()
        .setName(name).setDataType(FLOAT).addAllDims(dims).setRawData(ByteString.copyFrom(data)));
    return this;
  }

  TestingGraphs bool(String name, boolean value) {
    graph.addInitializer(OnnxMl.TensorProto.newBuilder()
        .setName(name).setDataType(9).setRawData(ByteString.copyFrom(new byte[] {(byte) (value ? 1 : 0)})));
    return this;
  }

  OnnxModel build(String name) {
    OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder()
        .setIrVersion(8)
        .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
        .setGraph(graph)
        .build();
    return OnnxModel.of(name, model);
  }

  private static OnnxMl.ValueInfoProto info(String name, Object... dims) {
    OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
    for (Object dim : dims) {
      OnnxMl.TensorShapeProto.Dimension.Builder d = OnnxMl.TensorShapeProto.Dimension.newBuilder();
      if (dim instanceof String param) {
        d.setDimParam(param);
      } else {
        d.setDimValue(((Number) dim).longValue());
      }
      shape.addDim(d);
    }
    return OnnxMl.ValueInfoProto.newBuilder()
        .setName(name)
        .setType(OnnxMl.TypeProto.newBuilder()
            .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape)))
        .build();
  }
}
