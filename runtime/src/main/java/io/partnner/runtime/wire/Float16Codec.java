package io.partnner.runtime.wire;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.HalfFloats;
import io.partnner.runtime.tensor.Tensor;

/**
 * {@code float16}: float32 narrowed to IEEE binary16 with round-to-nearest-even, half the bytes. Values
 * beyond the half range become infinite (and the reported error says so); tiny ones lose precision.
 */
final class Float16Codec implements WireCodec {
  @Override
  public String name() {
    return CodecKind.FLOAT16.label();
  }

  @Override
  public boolean lossy() {
    return true;
  }

  @Override
  public boolean supports(Tensor tensor) {
    return tensor.dataType() == DataType.FLOAT32;
  }

  @Override
  public EncodedTensor encode(Tensor tensor) {
    Codecs.requireFloat32(this, tensor);
    float[] values = tensor.toFloatArray();
    byte[] payload = new byte[values.length * 2];
    ErrorMeter meter = new ErrorMeter();
    for (int i = 0; i < values.length; i++) {
      short half = HalfFloats.fromFloat(values[i]);
      payload[2 * i] = (byte) half;
      payload[2 * i + 1] = (byte) (half >>> 8);
      meter.add(values[i], HalfFloats.toFloat(half));
    }
    return EncodedTensor.create(CodecKind.FLOAT16, DataType.FLOAT32, tensor.shape(), new float[0], new int[0],
        Codecs.bytePayload(payload, payload.length), meter.result());
  }

  @Override
  public Tensor decode(EncodedTensor encoded) {
    Codecs.requireKind(this, encoded, CodecKind.FLOAT16);
    ByteRegion payload = ByteRegion.of(encoded.payloadTensor());
    byte[] bytes = payload.array();
    int start = payload.offset();
    float[] values = new float[payload.length() / 2];
    for (int i = 0; i < values.length; i++) {
      int at = start + 2 * i;
      values[i] = HalfFloats.toFloat((short) ((bytes[at] & 0xff) | (bytes[at + 1] << 8)));
    }
    return Tensor.ofFloats(encoded.shape(), values);
  }

  @Override
  public String toString() {
    return name();
  }
}
