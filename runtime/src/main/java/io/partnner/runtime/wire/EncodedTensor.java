package io.partnner.runtime.wire;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A tensor as a codec encoded it: the codec, the original element type and shape, the codec's parameters
 * (int8 scales and zero points), the payload bytes, and the error the encoding introduced. Sent with the
 * same Kryo as tensors; the consistency of every field is checked when one is made or read.
 */
public final class EncodedTensor {
  private final CodecKind codec;
  private final DataType dataType;
  private final List<Long> shape;
  private final int originalBytes;
  private final float[] scales;
  private final int[] zeroPoints;
  private final Tensor payload;
  private final CodecError error;
  private final long encodedBytes;
  // The pooled array the payload was received into, until it is given back; null when the payload owns
  // its memory.
  private final ReceiveBuffers pool;
  private final AtomicReference<byte[]> lease;

  private EncodedTensor(CodecKind codec, DataType dataType, List<Long> shape, int originalBytes, float[] scales,
      int[] zeroPoints, Tensor payload, CodecError error, ReceiveBuffers pool, byte[] leased) {
    this.codec = codec;
    this.dataType = dataType;
    this.shape = shape;
    this.originalBytes = originalBytes;
    this.scales = scales;
    this.zeroPoints = zeroPoints;
    this.payload = payload;
    this.error = error;
    this.encodedBytes = EncodedTensorSerializer.serializedSize(this);
    this.pool = pool;
    this.lease = new AtomicReference<>(leased);
  }

  /**
   * Checks that the fields fit together for this codec. The arrays are owned by the result; the payload
   * tensor is a 1-D uint8 view of the encoded bytes.
   *
   * @throws IllegalArgumentException naming the field that does not fit
   */
  static EncodedTensor create(CodecKind codec, DataType dataType, List<Long> shape, float[] scales,
      int[] zeroPoints, Tensor payload, CodecError error) {
    return create(codec, dataType, shape, scales, zeroPoints, payload, error, null, null);
  }

  /** As {@link #create}, for a payload read into {@code leased}, an array taken from {@code pool}. */
  static EncodedTensor create(CodecKind codec, DataType dataType, List<Long> shape, float[] scales,
      int[] zeroPoints, Tensor payload, CodecError error, ReceiveBuffers pool, byte[] leased) {
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(dataType, "dataType");
    Objects.requireNonNull(error, "error");
    List<Long> dims = List.copyOf(shape);
    String what = codec.label() + " encoding of " + dataType.label() + " " + dims;
    if (dataType.elementBytes() <= 0) {
      throw new IllegalArgumentException(what + ": only fixed-size element types can be encoded");
    }
    long original = Tensor.expectedBytes(dataType, dims);
    if (original > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(what + " would decode to " + original + " bytes, more than an array holds");
    }
    if (payload.dataType() != DataType.UINT8 || payload.shape().size() != 1) {
      throw new IllegalArgumentException(what + " needs a 1-D uint8 payload, got " + payload);
    }
    if (!codec.lossy() && !error.isExact()) {
      throw new IllegalArgumentException(what + " is lossless but reports error " + error);
    }
    checkParameters(codec, dims, scales, zeroPoints, what);
    checkPayloadSize(codec, dataType, original, payload.byteSize(), what);
    if (leased != null && (pool == null || !payload.isBackedBy(leased))) {
      throw new IllegalArgumentException(what + ": a leased array must come from a pool and hold the payload");
    }
    return new EncodedTensor(codec, dataType, dims, (int) original, scales, zeroPoints, payload, error, pool,
        leased);
  }

  private static void checkParameters(CodecKind codec, List<Long> shape, float[] scales, int[] zeroPoints,
      String what) {
    long wanted = codec.parameterCount(shape);
    if (wanted < 0) {
      throw new IllegalArgumentException(what + " needs a channel axis (rank 2 or more)");
    }
    if (scales.length != wanted || zeroPoints.length != wanted) {
      throw new IllegalArgumentException(what + " needs " + wanted + " scales and zero points, got "
          + scales.length + " and " + zeroPoints.length);
    }
    for (int i = 0; i < scales.length; i++) {
      if (!(scales[i] > 0) || Float.isInfinite(scales[i])) {
        throw new IllegalArgumentException(what + " has scale " + scales[i] + " at " + i + ", not a positive number");
      }
      if (zeroPoints[i] < Byte.MIN_VALUE || zeroPoints[i] > Byte.MAX_VALUE) {
        throw new IllegalArgumentException(what + " has zero point " + zeroPoints[i] + " at " + i + ", outside int8");
      }
    }
  }

  private static void checkPayloadSize(CodecKind codec, DataType dataType, long original, long payloadBytes,
      String what) {
    long elements = original / dataType.elementBytes();
    switch (codec) {
      case RAW -> requireSize(what, payloadBytes, original);
      case FLOAT16 -> {
        requireFloat32(codec, dataType, what);
        requireSize(what, payloadBytes, 2 * elements);
      }
      case INT8, INT8_CHANNEL -> {
        requireFloat32(codec, dataType, what);
        requireSize(what, payloadBytes, elements);
      }
      case LZ4 -> {
        // An LZ4 block expands at most about 255-fold, so a small payload claiming a huge tensor is a lie
        // (or a decompression bomb) and is refused before anything that large is allocated.
        if (original > 256 * payloadBytes + 16) {
          throw new IllegalArgumentException(
              what + ": an lz4 payload of " + payloadBytes + " bytes cannot decompress to " + original + " bytes");
        }
      }
    }
  }

  private static void requireFloat32(CodecKind codec, DataType dataType, String what) {
    if (dataType != DataType.FLOAT32) {
      throw new IllegalArgumentException(what + ": " + codec.label() + " encodes float32 tensors only");
    }
  }

  private static void requireSize(String what, long payloadBytes, long wanted) {
    if (payloadBytes != wanted) {
      throw new IllegalArgumentException(what + " needs a payload of " + wanted + " bytes, got " + payloadBytes);
    }
  }

  /** The name of the codec that made this, as {@link WireCodecs#byName} knows it. */
  public String codec() {
    return codec.label();
  }

  CodecKind kind() {
    return codec;
  }

  /** The element type of the original tensor. */
  public DataType dataType() {
    return dataType;
  }

  /** The shape of the original tensor. */
  public List<Long> shape() {
    return shape;
  }

  /** Bytes of the original (decoded) tensor. */
  public int originalBytes() {
    return originalBytes;
  }

  /** A copy of the quantisation scales: one for {@code int8}, one per channel for {@code int8-channel}, else none. */
  public float[] scales() {
    return scales.clone();
  }

  /** A copy of the quantisation zero points, paired with {@link #scales()}. */
  public int[] zeroPoints() {
    return zeroPoints.clone();
  }

  float scale(int i) {
    return scales[i];
  }

  int zeroPoint(int i) {
    return zeroPoints[i];
  }

  int parameterCount() {
    return scales.length;
  }

  /** A read-only view of the encoded bytes. */
  public ByteBuffer payload() {
    return payloadTensor().data();
  }

  Tensor payloadTensor() {
    if (pool != null && lease.get() == null) {
      throw new IllegalStateException(this + " was released: its bytes may already hold another message");
    }
    return payload;
  }

  /**
   * Gives the pooled array this encoding was received into back to its pool, so the next message can
   * reuse it, unless a tensor in {@code stillInUse} reads the same memory (a raw decoding shares it). The
   * receiver calls this once it no longer reads this encoding or any tensor decoded from it; afterwards
   * this encoding refuses to be read. Does nothing for an encoding that owns its memory, or a second time.
   *
   * @return whether the array went back to the pool
   */
  public boolean release(Collection<Tensor> stillInUse) {
    byte[] leased = lease.get();
    if (leased == null) {
      return false;
    }
    for (Tensor tensor : stillInUse) {
      if (tensor.isBackedBy(leased)) {
        return false;
      }
    }
    if (!lease.compareAndSet(leased, null)) {
      return false;
    }
    pool.giveBack(leased);
    return true;
  }

  /** Size of the encoded bytes alone. */
  public int payloadBytes() {
    return payload.byteSize();
  }

  /** Size of this encoding on the wire: header, parameters and payload, exactly as serialized. */
  public long encodedBytes() {
    return encodedBytes;
  }

  /** Original bytes over encoded bytes: above 1 when the codec saves bandwidth. */
  public double compressionRatio() {
    return (double) originalBytes / encodedBytes;
  }

  /** What the encoding lost on this tensor; {@link CodecError#NONE} for a lossless codec. */
  public CodecError error() {
    return error;
  }

  @Override
  public String toString() {
    return "EncodedTensor[" + codec.label() + " " + dataType.label() + " " + shape + ", " + encodedBytes
        + " of " + originalBytes + " bytes]";
  }
}
