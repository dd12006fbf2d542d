package io.partnner.runtime.exec;

import io.partnner.runtime.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * What a segment run produced and how long each of its blocks took.
 *
 * @param outputs tensors by name
 * @param blockNanos one entry per block of the range, in order
 * @param totalNanos wall time of the whole run, conversions included
 */
public record SegmentResult(Map<String, Tensor> outputs, List<Long> blockNanos, long totalNanos) {
  public SegmentResult {
    outputs = Map.copyOf(outputs);
    blockNanos = List.copyOf(blockNanos);
  }
}
