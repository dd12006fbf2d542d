package io.partnner.models;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One run of the whole model, as written, on the sample input with every non-constant tensor
 * exposed as an output. ONNX Runtime types and sizes each tensor itself; the values stay in native
 * memory until the few that are needed (the chosen cuts' crossing tensors and the outputs) are
 * copied out, so a detector's gigabytes of activations are never copied to the heap.
 */
final class ReferenceRun implements AutoCloseable {
  private final OrtSession session;
  private final OrtSession.Result result;
  private final Map<String, TensorSpec> specs = new HashMap<>();

  private ReferenceRun(OrtSession session, OrtSession.Result result) {
    this.session = session;
    this.result = result;
    for (Map.Entry<String, OnnxValue> entry : result) {
      if (entry.getValue() instanceof OnnxTensor tensor) {
        TensorInfo info = tensor.getInfo();
        DataType type = OrtSupport.dataType(info.onnxType);
        if (type != null && type != DataType.STRING) {
          List<Long> shape = new ArrayList<>();
          for (long dim : info.getShape()) {
            shape.add(dim);
          }
          specs.put(entry.getKey(), new TensorSpec(entry.getKey(), type, shape));
        }
      }
    }
  }

  static ReferenceRun start(OnnxGraph graph, String modelName, Map<String, Tensor> sampleInputs) {
    Set<String> wanted = new LinkedHashSet<>(graph.graphOutputs);
    for (OnnxGraph.Node node : graph.nodes) {
      if (graph.isCompute(node.index())) {
        for (String output : node.outputs()) {
          if (graph.consumers.containsKey(output)) {
            wanted.add(output);
          }
        }
      }
    }
    wanted.removeAll(graph.graphInputs);
    OnnxMl.GraphProto.Builder probe = graph.graph.toBuilder();
    Set<String> declared = new HashSet<>(graph.graphOutputs);
    for (String name : wanted) {
      if (!declared.contains(name)) {
        probe.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(name));
      }
    }
    byte[] bytes = graph.model.toBuilder().setGraph(probe).build().toByteArray();
    OrtSession session = OrtSupport.open(bytes, "model " + modelName, 0, true);
    Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Tensor> input : sampleInputs.entrySet()) {
        feeds.put(input.getKey(), OrtSupport.toOrt(input.getValue(), input.getKey()));
      }
      return new ReferenceRun(session, session.run(feeds));
    } catch (OrtException | RuntimeException e) {
      closeQuietly(session);
      if (e instanceof ModelException modelException) {
        throw modelException;
      }
      throw new ModelException(
          "model " + modelName + ": ONNX Runtime failed to run it on a sample input " + describe(sampleInputs) + ": "
              + OrtSupport.firstLine(e.getMessage()), e);
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
  }

  /** Type and shape of every dense tensor the run produced. */
  Map<String, TensorSpec> specs() {
    return specs;
  }

  /** Copies the named values to the heap; names that are not dense tensors are left out. */
  Map<String, Tensor> copy(Collection<String> names) {
    Map<String, Tensor> values = new LinkedHashMap<>();
    for (String name : names) {
      Optional<OnnxValue> value = result.get(name);
      if (value.isPresent()) {
        Tensor tensor = OrtSupport.fromOrt(value.get());
        if (tensor != null) {
          values.put(name, tensor);
        }
      }
    }
    return values;
  }

  @Override
  public void close() {
    result.close();
    closeQuietly(session);
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException ignored) {
      // Closing frees native memory; there is nothing to do if it complains.
    }
  }

  private static String describe(Map<String, Tensor> inputs) {
    List<String> parts = new ArrayList<>();
    inputs.forEach((name, tensor) -> parts.add(name + "=" + tensor.dataType().label() + tensor.shape()));
    return String.join(", ", parts);
  }
}
