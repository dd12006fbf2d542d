package io.partnner.runtime.tensor;

import io.partnner.runtime.model.DataType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * A dense tensor: element type, shape and little-endian bytes. The byte count is checked against
 * the shape when the tensor is made, so a tensor that exists is always consistent.
 */
public final class Tensor {
  // Chunk for copying out of buffers that expose no array (direct or read-only): large enough for
  // bulk copies, small enough to stay in cache.
  private static final int COPY_CHUNK = 64 * 1024;

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

  /**
   * A float32 tensor holding a copy of {@code values}.
   *
   * @throws IllegalArgumentException when the shape is invalid or does not hold {@code values.length} elements
   */
  public static Tensor ofFloats(List<Long> shape, float[] values) {
    Objects.requireNonNull(values, "values");
    ByteBuffer data = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
    data.asFloatBuffer().put(values);
    return of(DataType.FLOAT32, shape, data);
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

  /** Whether this tensor's bytes live in {@code array}, so writing to the array would change them. */
  public boolean isBackedBy(byte[] array) {
    return data.hasArray() && data.array() == array;
  }

  /** A copy of the elements of a float32 tensor. */
  public float[] toFloatArray() {
    if (dataType != DataType.FLOAT32) {
      throw new IllegalStateException("toFloatArray needs a float32 tensor, this is " + this);
    }
    float[] values = new float[byteSize() / 4];
    data().asFloatBuffer().get(values);
    return values;
  }

  /** A copy of the payload bytes. */
  public byte[] toByteArray() {
    byte[] bytes = new byte[byteSize()];
    data().get(bytes);
    return bytes;
  }

  /**
   * The same bytes seen as another element type and shape, without copying.
   *
   * @throws IllegalArgumentException when the new type and shape do not take exactly this tensor's byte count
   */
  public Tensor reinterpret(DataType newType, List<Long> newShape) {
    return of(newType, newShape, data);
  }

  /**
   * Writes the payload to {@code out} with as few bulk copies as possible: a heap-backed tensor hands its
   * backing array to one {@code write} call (as {@link java.io.ByteArrayOutputStream#writeTo} does), so
   * the stream must neither keep nor modify the array it is given.
   */
  public void writeTo(OutputStream out) throws IOException {
    Objects.requireNonNull(out, "out");
    if (data.hasArray()) {
      out.write(data.array(), data.arrayOffset() + data.position(), data.remaining());
      return;
    }
    ByteBuffer source = data.duplicate();
    byte[] chunk = new byte[Math.min(COPY_CHUNK, source.remaining())];
    while (source.hasRemaining()) {
      int count = Math.min(chunk.length, source.remaining());
      source.get(chunk, 0, count);
      out.write(chunk, 0, count);
    }
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
