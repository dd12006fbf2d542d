package io.partnner.runtime.exec;

import io.partnner.runtime.tensor.Tensor;
import java.util.Map;

/**
 * Runs a range of a model's blocks, from one candidate cut to a later one, and times each block.
 * The edge runs the head this way and cloud executors the tail; both report the block times the
 * estimators learn from.
 */
public interface SegmentExecutor extends AutoCloseable {
  /**
   * Runs the blocks between cut {@code fromCut} and cut {@code toCut}.
   *
   * @param inputs the tensors crossing cut {@code fromCut}, by name (the model's inputs for cut 0)
   * @return the tensors crossing cut {@code toCut} and the model outputs computed in the range, with
   *     the time of each block
   * @throws IllegalArgumentException naming the problem when the cuts are out of range or an input is
   *     missing or has the wrong type or shape
   */
  SegmentResult run(int fromCut, int toCut, Map<String, Tensor> inputs);

  /** Releases sessions and native memory. */
  @Override
  void close();
}
