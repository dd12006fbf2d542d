package io.partnner.runtime.exec;

import java.util.List;
import java.util.Map;

/**
 * Turns a model's bytes into a {@link LoadedModel}; implemented by the ONNX layer, so that nodes that
 * receive a model over the wire (cloud executors) need nothing but the bytes and the input shapes.
 */
@FunctionalInterface
public interface ModelLoader {
  /**
   * Analyses the model. The same bytes and input shapes give the same candidate cuts on every node.
   *
   * @param name the model's name, for messages
   * @param bytes the serialized ONNX model
   * @param inputShapes fixed sizes for symbolic input dimensions, by input name (may be empty)
   * @throws IllegalArgumentException naming the model and the reason when it cannot be loaded
   */
  LoadedModel load(String name, byte[] bytes, Map<String, List<Long>> inputShapes);
}
