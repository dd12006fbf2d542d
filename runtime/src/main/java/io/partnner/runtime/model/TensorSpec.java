package io.partnner.runtime.model;

import java.util.List;
import java.util.Objects;

/** Name, element type and concrete shape of one tensor, as measured on a sample input. */
public record TensorSpec(String name, DataType dataType, List<Long> shape) {

  public TensorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dataType, "dataType");
    shape = List.copyOf(shape);
    for (Long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException("tensor '" + name + "' has a negative dimension " + shape);
      }
    }
  }

  /** Number of elements, checked against overflow. */
  public long elementCount() {
    long count = 1;
    for (long dim : shape) {
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  /** Bytes of the dense payload (0 for strings, whose size is data-dependent). */
  public long bytes() {
    return dataType.elementBytes() < 0 ? 0 : Math.multiplyExact(elementCount(), dataType.elementBytes());
  }

  /** Shape written as {@code 1x3x224x224} ({@code scalar} for rank 0). */
  public String shapeText() {
    if (shape.isEmpty()) {
      return "scalar";
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < shape.size(); i++) {
      if (i > 0) {
        text.append('x');
      }
      text.append(shape.get(i));
    }
    return text.toString();
  }
}
