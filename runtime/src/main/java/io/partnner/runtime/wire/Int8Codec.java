package io.partnner.runtime.wire;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.util.List;

/**
 * {@code int8} and {@code int8-channel}: affine quantisation {@code x ~ (q - zeroPoint) * scale} with
 * q in [-128, 127] rounded half to even (as ONNX QuantizeLinear), a quarter of the bytes. The range of each group (the whole tensor, or each channel
 * of axis 1 as in NCHW) is widened to contain 0 so that zeros, common after ReLU, stay exact. Per
 * channel pays off when channels have very different ranges, as activations and weights often do.
 */
final class Int8Codec implements WireCodec {
  private final boolean perChannel;

  Int8Codec(boolean perChannel) {
    this.perChannel = perChannel;
  }

  @Override
  public String name() {
    return kind().label();
  }

  private CodecKind kind() {
    return perChannel ? CodecKind.INT8_CHANNEL : CodecKind.INT8;
  }

  @Override
  public boolean lossy() {
    return true;
  }

  @Override
  public boolean supports(Tensor tensor) {
    return shapeRefusal(tensor) == null && firstNonFinite(tensor.toFloatArray()) < 0;
  }

  /** Why the type or shape rules this tensor out, or null. */
  private String shapeRefusal(Tensor tensor) {
    if (tensor.dataType() != DataType.FLOAT32) {
      return name() + " encodes float32 tensors only, not " + tensor.dataType().label() + " " + tensor.shape()
          + "; send it raw or lz4";
    }
    if (perChannel && tensor.shape().size() < 2) {
      return name() + " quantises per channel of axis 1 and needs rank 2 or more, got shape " + tensor.shape();
    }
    if (perChannel && tensor.shape().get(1) > Integer.MAX_VALUE) {
      return name() + " cannot keep " + tensor.shape().get(1) + " channels of shape " + tensor.shape();
    }
    return null;
  }

  private static int firstNonFinite(float[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public EncodedTensor encode(Tensor tensor) {
    String refusal = shapeRefusal(tensor);
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
    float[] values = tensor.toFloatArray();
    int nonFinite = firstNonFinite(values);
    if (nonFinite >= 0) {
      throw new IllegalArgumentException(name() + " cannot represent " + values[nonFinite] + " (element " + nonFinite
          + " of " + tensor + "); send it as float16, raw or lz4");
    }
    Layout layout = Layout.of(tensor.shape(), perChannel, values.length);
    // Zero is always in range, so zeros (common after ReLU) are exact and the zero point is an integer.
    float[] low = new float[layout.channels()];
    float[] high = new float[layout.channels()];
    for (int run = 0; run < layout.runs(); run++) {
      widenRange(values, layout.start(run), layout.start(run) + layout.inner(), low, high, layout.channel(run));
    }
    float[] scales = new float[layout.channels()];
    int[] zeroPoints = new int[layout.channels()];
    double maxMagnitude = 0;
    for (int c = 0; c < scales.length; c++) {
      scales[c] = scaleFor(low[c], high[c]);
      zeroPoints[c] = (int) Math.max(-128, Math.min(127, Math.rint(-128.0 - low[c] / (double) scales[c])));
      maxMagnitude = Math.max(maxMagnitude, Math.max(-low[c], high[c]));
    }
    byte[] payload = new byte[values.length];
    double maxAbsError = 0;
    for (int run = 0; run < layout.runs(); run++) {
      int channel = layout.channel(run);
      maxAbsError = Math.max(maxAbsError, quantize(values, layout.start(run), layout.start(run) + layout.inner(),
          scales[channel], zeroPoints[channel], payload));
    }
    return EncodedTensor.create(kind(), DataType.FLOAT32, tensor.shape(), scales, zeroPoints,
        Codecs.bytePayload(payload, payload.length), ErrorMeter.error(maxAbsError, maxMagnitude));
  }

  private static void widenRange(float[] values, int from, int to, float[] low, float[] high, int channel) {
    float lowest = low[channel];
    float highest = high[channel];
    for (int i = from; i < to; i++) {
      float value = values[i];
      // Plain comparisons: the values are finite, and Math.min's care for -0 and NaN costs branches.
      if (value < lowest) {
        lowest = value;
      }
      if (value > highest) {
        highest = value;
      }
    }
    low[channel] = lowest;
    high[channel] = highest;
  }

  /** Quantises values[from, to) into payload and returns the largest |value - decoded|. */
  private static double quantize(float[] values, int from, int to, float scale, int zeroPoint, byte[] payload) {
    // Two simple loops rather than one: C2 vectorises the first, and the fused loop measured three
    // times slower (its float/double conversions chain from one element to the next).
    // In double, 1/scale stays finite even for a subnormal scale.
    double inverse = 1.0 / scale;
    for (int i = from; i < to; i++) {
      int q = (int) Math.rint(values[i] * inverse) + zeroPoint;
      payload[i] = (byte) (q < -128 ? -128 : Math.min(q, 127));
    }
    double maxError = 0;
    for (int i = from; i < to; i++) {
      double error = Math.abs((double) values[i] - dequantize(payload[i], zeroPoint, scale));
      if (error > maxError) {
        maxError = error;
      }
    }
    return maxError;
  }

  @Override
  public Tensor decode(EncodedTensor encoded) {
    Codecs.requireKind(this, encoded, kind());
    ByteRegion payload = ByteRegion.of(encoded.payloadTensor());
    byte[] bytes = payload.array();
    int start = payload.offset();
    float[] values = new float[payload.length()];
    Layout layout = Layout.of(encoded.shape(), perChannel, values.length);
    for (int run = 0; run < layout.runs(); run++) {
      int channel = layout.channel(run);
      dequantizeRun(bytes, start, values, layout.start(run), layout.start(run) + layout.inner(),
          encoded.zeroPoint(channel), encoded.scale(channel));
    }
    return Tensor.ofFloats(encoded.shape(), values);
  }

  private static void dequantizeRun(byte[] bytes, int start, float[] values, int from, int to, int zeroPoint,
      float scale) {
    for (int i = from; i < to; i++) {
      values[i] = dequantize(bytes[start + i], zeroPoint, scale);
    }
  }

  /** The one formula both sides use, so the error measured at encoding is the error the receiver sees. */
  private static float dequantize(int q, int zeroPoint, float scale) {
    // In double and clamped: near Float.MAX_VALUE the float product would overflow to infinity.
    double value = (double) (q - zeroPoint) * scale;
    return (float) Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, value));
  }

  private static float scaleFor(float low, float high) {
    float scale = (float) (((double) high - low) / 255.0);
    // A group of zeros is exact with any scale; 1 keeps the parameters valid.
    return scale > 0 ? scale : 1f;
  }

  @Override
  public String toString() {
    return name();
  }

  /**
   * Which channel each flat index belongs to: the elements form {@code outer * channels} runs of
   * {@code inner} consecutive indices, run r belonging to channel {@code r % channels}.
   */
  private record Layout(int outer, int channels, int inner) {
    static Layout of(List<Long> shape, boolean perChannel, int elements) {
      if (!perChannel) {
        return new Layout(1, 1, elements);
      }
      int channels = Math.toIntExact(shape.get(1));
      if (elements == 0) {
        return new Layout(0, channels, 0);
      }
      int inner = 1;
      for (int axis = 2; axis < shape.size(); axis++) {
        inner = Math.multiplyExact(inner, Math.toIntExact(shape.get(axis)));
      }
      return new Layout(Math.toIntExact(shape.get(0)), channels, inner);
    }

    int runs() {
      return outer * channels;
    }

    int start(int run) {
      return run * inner;
    }

    int channel(int run) {
      return run % channels;
    }
  }
}
