package io.partnner.runtime.model;

import java.util.List;

/**
 * One candidate cut: the first {@code position} nodes of the model's order run on the edge, the rest
 * in the cloud, and the {@code crossing} tensors travel between them.
 *
 * @param index candidate index, 0 = cloud-only, last = edge-only
 * @param position number of compute nodes in the head
 * @param crossing tensors produced in the head (or graph inputs) that the tail consumes
 * @param singleTensor true when this cut is a single-tensor cut of the graph
 * @param flopsBefore multiply-adds of the head, as a share of the whole model (0..1)
 */
public record CutPoint(
    int index, int position, List<TensorSpec> crossing, boolean singleTensor, double flopsBefore) {

  public CutPoint {
    crossing = List.copyOf(crossing);
  }

  /** Bytes of all crossing tensors, uncompressed. */
  public long crossingBytes() {
    long total = 0;
    for (TensorSpec tensor : crossing) {
      total = Math.addExact(total, tensor.bytes());
    }
    return total;
  }
}
