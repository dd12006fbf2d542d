package io.partnner.runtime.wire;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.HalfFloats;
import io.partnner.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
    // Separate passes for narrowing, measuring and storing: each loop stays simple enough for C2 to
    // keep elements independent, which the fused loop did not (measured).
    short[] halves = new short[values.length];
    for (int i = 0; i < values.length; i++) {
      halves[i] = HalfFloats.fromFloat(values[i]);
    }
    ErrorMeter meter = new ErrorMeter();
    for (int i = 0; i < values.length; i++) {
      meter.add(values[i], HalfFloats.toFloat(halves[i]));
    }
    byte[] payload = new byte[values.length * 2];
    ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().put(halves);
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
