package io.partnner.runtime.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.ByteBufferInput;
import com.esotericsoftware.kryo.io.ByteBufferOutput;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import io.partnner.runtime.tensor.Tensor;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Tensors and encoded tensors to and from bytes in the Kryo format of {@link TensorKryo}, with the
 * default size limit. Thread-safe. The ByteBuffer variants write into and read from a caller's buffer
 * (such as a transport's pooled direct buffer) without an intermediate array.
 */
public final class TensorWire {
  private static final Pool<Kryo> KRYOS = new Pool<>(true, false, 64) {
    @Override
    protected Kryo create() {
      return TensorKryo.newKryo();
    }
  };

  private TensorWire() {}

  /** Exact size of {@link #toBytes(Tensor)}. */
  public static long serializedSize(Tensor tensor) {
    return TensorSerializer.serializedSize(Objects.requireNonNull(tensor, "tensor"));
  }

  /** Exact size of {@link #toBytes(EncodedTensor)}. */
  public static long serializedSize(EncodedTensor encoded) {
    return EncodedTensorSerializer.serializedSize(Objects.requireNonNull(encoded, "encoded"));
  }

  /** The tensor as one message. */
  public static byte[] toBytes(Tensor tensor) {
    return toBytes(tensor, serializedSize(tensor));
  }

  /** The encoded tensor as one message. */
  public static byte[] toBytes(EncodedTensor encoded) {
    return toBytes(encoded, serializedSize(encoded));
  }

  /**
   * Reads a message made by {@link #toBytes(Tensor)}.
   *
   * @throws WireFormatException naming what is wrong when the bytes are not exactly one valid tensor
   */
  public static Tensor fromBytes(byte[] message) {
    return fromBytes(message, Tensor.class);
  }

  /**
   * Reads a message made by {@link #toBytes(EncodedTensor)}.
   *
   * @throws WireFormatException naming what is wrong when the bytes are not exactly one valid encoding
   */
  public static EncodedTensor encodedFromBytes(byte[] message) {
    return fromBytes(message, EncodedTensor.class);
  }

  /**
   * Writes the tensor at {@code target}'s position and advances it; the buffer's byte order is untouched.
   *
   * @throws BufferOverflowException when the tensor does not fit in the remaining space, nothing written
   */
  public static void write(Tensor tensor, ByteBuffer target) {
    write(tensor, serializedSize(tensor), target);
  }

  /** As {@link #write(Tensor, ByteBuffer)}, for an encoded tensor. */
  public static void write(EncodedTensor encoded, ByteBuffer target) {
    write(encoded, serializedSize(encoded), target);
  }

  /**
   * Reads one tensor from {@code source}'s position and advances it past the tensor.
   *
   * @throws WireFormatException naming what is wrong when the bytes are not a valid tensor
   */
  public static Tensor read(ByteBuffer source) {
    return read(source, Tensor.class);
  }

  /** As {@link #read(ByteBuffer)}, for an encoded tensor. */
  public static EncodedTensor readEncoded(ByteBuffer source) {
    return read(source, EncodedTensor.class);
  }

  private static byte[] toBytes(Object value, long size) {
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(value + " needs " + size + " bytes, more than one array holds");
    }
    // Sized exactly, so the buffer is the message and needs no trimming copy.
    Output output = new Output((int) size, (int) size);
    Kryo kryo = KRYOS.obtain();
    try {
      kryo.writeObject(output, value);
    } finally {
      KRYOS.free(kryo);
    }
    if (output.position() != size) {
      throw new IllegalStateException("wrote " + output.position() + " bytes for " + value + ", expected " + size);
    }
    return output.getBuffer();
  }

  private static <T> T fromBytes(byte[] message, Class<T> type) {
    Objects.requireNonNull(message, "message");
    Input input = new Input(message);
    T value = readOne(input, type);
    if (input.position() != message.length) {
      throw new WireFormatException(
          "message has " + (message.length - input.position()) + " bytes after the " + describe(type));
    }
    return value;
  }

  private static void write(Object value, long size, ByteBuffer target) {
    if (size > target.remaining()) {
      // Transports (Pekko Artery) turn exactly this exception into an "oversized message" report.
      throw new BufferOverflowException();
    }
    ByteBufferOutput output = new ByteBufferOutput(target.slice());
    Kryo kryo = KRYOS.obtain();
    try {
      kryo.writeObject(output, value);
    } finally {
      KRYOS.free(kryo);
    }
    target.position(target.position() + output.position());
  }

  private static <T> T read(ByteBuffer source, Class<T> type) {
    ByteBufferInput input = new ByteBufferInput(source.slice());
    T value = readOne(input, type);
    source.position(source.position() + input.position());
    return value;
  }

  private static <T> T readOne(Input input, Class<T> type) {
    Kryo kryo = KRYOS.obtain();
    try {
      return kryo.readObject(input, type);
    } catch (KryoException malformed) {
      throw new WireFormatException(describe(type) + " message is malformed: " + malformed.getMessage(), malformed);
    } finally {
      KRYOS.free(kryo);
    }
  }

  private static String describe(Class<?> type) {
    return type == Tensor.class ? "tensor" : "encoded tensor";
  }
}
