package io.partnner.runtime.wire;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.List;

/** Checks and conversions the codecs share. */
final class Codecs {
  private Codecs() {}

  static void requireKind(WireCodec codec, EncodedTensor encoded, CodecKind kind) {
    if (encoded.kind() != kind) {
      throw new IllegalArgumentException(
          codec.name() + " cannot decode " + encoded + ": it was made by " + encoded.codec());
    }
  }

  static void requireFloat32(WireCodec codec, Tensor tensor) {
    if (tensor.dataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException(codec.name() + " encodes float32 tensors only, not " + tensor.dataType().label()
          + " " + tensor.shape() + "; send it raw or lz4");
    }
  }

  /** A 1-D uint8 tensor over {@code bytes[0, length)}, not copied. */
  static Tensor bytePayload(byte[] bytes, int length) {
    return Tensor.of(DataType.UINT8, List.of((long) length), ByteBuffer.wrap(bytes, 0, length));
  }
}
