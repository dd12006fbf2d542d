package io.partnner.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.partnner.runtime.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One plain ONNX Runtime session, used the way any application would (inputs copied in, outputs copied out),
 * with the same environment and thread settings as partnner's executors: the baseline the runtime's overhead
 * is measured against.
 */
public final class PlainOrt implements AutoCloseable {
  private final OrtSession session;
  private final String what;

  private PlainOrt(OrtSession session, String what) {
    this.session = session;
    this.what = what;
  }

  /** A session over {@code modelBytes}, optimised by ONNX Runtime as usual; {@code intraOpThreads} 0 is its default. */
  public static PlainOrt open(byte[] modelBytes, String what, int intraOpThreads) {
    return new PlainOrt(OrtSupport.open(modelBytes, what, intraOpThreads, false), what);
  }

  /** Runs the session and returns every dense output, by name. */
  public Map<String, Tensor> run(Map<String, Tensor> inputs) {
    Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    try {
      inputs.forEach((name, tensor) -> feeds.put(name, OrtSupport.toOrt(tensor, name)));
      Map<String, Tensor> outputs = new LinkedHashMap<>();
      try (OrtSession.Result result = session.run(feeds)) {
        result.forEach(entry -> {
          Tensor tensor = OrtSupport.fromOrt(entry.getValue());
          if (tensor != null) {
            outputs.put(entry.getKey(), tensor);
          }
        });
      }
      return outputs;
    } catch (OrtException e) {
      throw new ModelException(what + ": ONNX Runtime failed: " + OrtSupport.firstLine(e.getMessage()), e);
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new ModelException(what + ": closing the session failed: " + e.getMessage(), e);
    }
  }
}
