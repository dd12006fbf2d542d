package io.partnner.runtime.model;

import java.util.List;

/**
 * What the planner knows about a model before it has run anything: its inputs and outputs, the
 * candidate cuts in order and the FLOPs prior of each block (the nodes between consecutive cuts).
 */
public record ModelProfile(
    String modelName,
    String contentHash,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    List<CutPoint> cuts,
    List<Double> blockFlops) {

  public ModelProfile {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    cuts = List.copyOf(cuts);
    blockFlops = List.copyOf(blockFlops);
    if (cuts.size() < 2) {
      throw new IllegalArgumentException("a model needs at least the cloud-only and edge-only cuts");
    }
    if (blockFlops.size() != cuts.size() - 1) {
      throw new IllegalArgumentException(
          "expected " + (cuts.size() - 1) + " blocks for " + cuts.size() + " cuts, got " + blockFlops.size());
    }
  }

  /** Number of blocks, one fewer than the candidate cuts. */
  public int blockCount() {
    return blockFlops.size();
  }

  /** Total multiply-adds of one inference. */
  public double totalFlops() {
    double total = 0;
    for (double flops : blockFlops) {
      total += flops;
    }
    return total;
  }

  /** Bytes of all model outputs (what comes back down the link). */
  public long resultBytes() {
    long total = 0;
    for (TensorSpec tensor : outputs) {
      total = Math.addExact(total, tensor.bytes());
    }
    return total;
  }
}
