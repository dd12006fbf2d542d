package io.partnner.runtime.tensor;

import io.partnner.runtime.model.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * A dense tensor: element type, shape and little-endian bytes. The byte count is checked against
 * the shape when the tensor is made, so a tensor that exists is always consistent.
 */
public final class Tensor {
  private final DataType dataType;
  private final List<Long> shape;
  private final ByteBuffer data;

  private Tensor(DataType dataType, List<Long> shape, ByteBuffer data) {
    this.dataType = dataType;
    this.shape = shape;
    this.data = data;
  }

  /**
   * Wraps {@code data} (from its position to its limit) without copying.
   *
   * @throws IllegalArgumentException when the type is variable-length, a dimension is negative, the
   *     element count overflows, or the byte count does not match the shape
   */
  public static Tensor of(DataType dataType, List<Long> shape, ByteBuffer data) {
    Objects.requireNonNull(dataType, "dataType");
    Objects.requireNonNull(data, "data");
    if (dataType.elementBytes() < 0) {
      throw new IllegalArgumentException("tensors of type " + dataType.label() + " are not supported");
    }
    List<Long> dims = List.copyOf(shape);
    long expected = expectedBytes(dataType, dims);
    if (expected != data.remaining()) {
      throw new IllegalArgumentException(
          "a " + dataType.label() + " tensor of shape " + dims + " needs " + expected + " bytes, got " + data.remaining());
    }
    return new Tensor(dataType, dims, data.slice().order(ByteOrder.LITTLE_ENDIAN));
  }

  /** Bytes a dense tensor of this type and shape takes, with overflow and negative dimensions rejected. */
  public static long expectedBytes(DataType dataType, List<Long> shape) {
    long count = 1;
    for (Long dim : shape) {
      if (dim == null || dim < 0) {
        throw new IllegalArgumentException("dimension " + dim + " in shape " + shape + " is not a size");
      }
      try {
        count = Math.multiplyExact(count, dim);
      } catch (ArithmeticException overflow) {
        throw new IllegalArgumentException("shape " + shape + " has more elements than fit in a long");
      }
    }
    try {
      return Math.multiplyExact(count, (long) dataType.elementBytes());
    } catch (ArithmeticException overflow) {
      throw new IllegalArgumentException("shape " + shape + " of " + dataType.label() + " overflows a byte count");
    }
  }

  /** The element type. */
  public DataType dataType() {
    return dataType;
  }

  /** The dimensions, outermost first. */
  public List<Long> shape() {
    return shape;
  }

  /** Number of elements. */
  public long elementCount() {
    return dataType.elementBytes() == 0 ? 0 : data.remaining() / dataType.elementBytes();
  }

  /** Size of the payload in bytes. */
  public int byteSize() {
    return data.remaining();
  }

  /** A read-only little-endian view of the payload, positioned at 0. */
  public ByteBuffer data() {
    return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The element at flat index {@code i} widened to double, for comparisons and statistics. */
  public double elementAsDouble(long i) {
    int index = Math.toIntExact(i);
    return switch (dataType) {
      case FLOAT32 -> data.getFloat(index * 4);
      case FLOAT64 -> data.getDouble(index * 8);
      case FLOAT16 -> HalfFloats.toFloat(data.getShort(index * 2));
      case BFLOAT16 -> Float.intBitsToFloat((data.getShort(index * 2) & 0xffff) << 16);
      case INT8 -> data.get(index);
      case UINT8, BOOL -> data.get(index) & 0xff;
      case INT16 -> data.getShort(index * 2);
      case UINT16 -> data.getShort(index * 2) & 0xffff;
      case INT32 -> data.getInt(index * 4);
      case UINT32 -> data.getInt(index * 4) & 0xffffffffL;
      case INT64, UINT64 -> data.getLong(index * 8);
      case STRING -> throw new IllegalStateException("string tensors have no numeric elements");
    };
  }

  @Override
  public String toString() {
    return "Tensor[" + dataType.label() + " " + shape + "]";
  }
}
