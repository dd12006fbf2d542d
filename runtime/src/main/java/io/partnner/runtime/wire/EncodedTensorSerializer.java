package io.partnner.runtime.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.KryoBufferUnderflowException;
import com.esotericsoftware.kryo.io.Output;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Kryo serializer for {@link EncodedTensor}. Format: format version, codec id, dtype (bytes), rank and
 * dimensions as for tensors, original byte count (varlong), max abs and relative error (doubles), the
 * number of quantisation parameters (varint) followed by that many float scales and then as many int8
 * zero points, the payload length (varlong) and the payload as one block.
 */
final class EncodedTensorSerializer extends Serializer<EncodedTensor> {
  private static final String WHAT = "encoded tensor message";

  private final int maxTensorBytes;
  private final ReceiveBuffers receiveBuffers;

  EncodedTensorSerializer(int maxTensorBytes, ReceiveBuffers receiveBuffers) {
    super(false, true);
    this.maxTensorBytes = maxTensorBytes;
    this.receiveBuffers = receiveBuffers;
  }

  @Override
  public void write(Kryo kryo, Output output, EncodedTensor encoded) {
    WireHeaders.checkSendable(encoded.dataType(), encoded.shape(),
        Math.max(encoded.originalBytes(), encoded.payloadBytes()), maxTensorBytes, encoded);
    WireHeaders.writeVersion(output);
    output.writeByte(encoded.kind().id());
    output.writeByte(WireHeaders.dataTypeCode(encoded.dataType()));
    WireHeaders.writeShape(output, encoded.shape());
    output.writeVarLong(encoded.originalBytes(), true);
    output.writeDouble(encoded.error().maxAbsError());
    output.writeDouble(encoded.error().relativeError());
    int parameters = encoded.parameterCount();
    output.writeVarInt(parameters, true);
    for (int i = 0; i < parameters; i++) {
      output.writeFloat(encoded.scale(i));
    }
    for (int i = 0; i < parameters; i++) {
      output.writeByte(encoded.zeroPoint(i));
    }
    output.writeVarLong(encoded.payloadBytes(), true);
    try {
      encoded.payloadTensor().writeTo(output);
    } catch (IOException impossible) {
      throw new KryoException(impossible);
    }
  }

  @Override
  public EncodedTensor read(Kryo kryo, Input input, Class<? extends EncodedTensor> type) {
    try {
      WireHeaders.readVersion(input, WHAT);
      int codecId = input.readByteUnsigned();
      CodecKind codec = CodecKind.byId(codecId);
      if (codec == null) {
        throw new WireFormatException(WHAT + " has unknown codec id " + codecId);
      }
      DataType dataType = WireHeaders.readDataType(input, WHAT);
      List<Long> shape = WireHeaders.readShape(input, WHAT);
      long expected = WireHeaders.expectedBytes(dataType, shape, WHAT);
      long original = input.readVarLong(true);
      if (original != expected) {
        throw new WireFormatException(WHAT + " says the original has " + original + " bytes but a "
            + dataType.label() + " tensor of shape " + shape + " has " + expected);
      }
      if (original > maxTensorBytes) {
        throw new WireFormatException(
            WHAT + " decodes to " + original + " bytes, over the limit of " + maxTensorBytes);
      }
      CodecError error = readError(input);
      int parameters = input.readVarInt(true);
      long wanted = codec.parameterCount(shape);
      if (parameters != wanted) {
        throw new WireFormatException(WHAT + " carries " + parameters + " quantisation parameters but "
            + codec.label() + " on shape " + shape + " needs " + (wanted < 0 ? "a channel axis" : wanted));
      }
      WireHeaders.checkedLength(5L * parameters, "parameter", input, maxTensorBytes, WHAT);
      float[] scales = new float[parameters];
      for (int i = 0; i < parameters; i++) {
        scales[i] = input.readFloat();
      }
      int[] zeroPoints = new int[parameters];
      for (int i = 0; i < parameters; i++) {
        zeroPoints[i] = input.readByte();
      }
      int count = WireHeaders.checkedLength(input.readVarLong(true), "payload", input, maxTensorBytes, WHAT);
      byte[] leased = receiveBuffers.take(count);
      byte[] block = leased != null ? WireHeaders.readBlockInto(input, leased, count) : WireHeaders.readBlock(input, count);
      Tensor payload = Tensor.of(DataType.UINT8, List.of((long) count), ByteBuffer.wrap(block, 0, count));
      try {
        return EncodedTensor.create(codec, dataType, shape, scales, zeroPoints, payload, error,
            leased != null ? receiveBuffers : null, leased);
      } catch (IllegalArgumentException inconsistent) {
        throw new WireFormatException(WHAT + ": " + inconsistent.getMessage(), inconsistent);
      }
    } catch (KryoBufferUnderflowException truncated) {
      throw new WireFormatException(WHAT + " is truncated: it ends before its header and payload do", truncated);
    } catch (KryoException malformed) {
      throw new WireFormatException(WHAT + " is malformed: " + malformed.getMessage(), malformed);
    }
  }

  private static CodecError readError(Input input) {
    double maxAbs = input.readDouble();
    double relative = input.readDouble();
    try {
      return new CodecError(maxAbs, relative);
    } catch (IllegalArgumentException invalid) {
      throw new WireFormatException(WHAT + ": " + invalid.getMessage(), invalid);
    }
  }

  /** Exact bytes {@link #write} produces for this encoding. */
  static long serializedSize(EncodedTensor encoded) {
    int parameters = encoded.parameterCount();
    return 3L + WireHeaders.shapeLength(encoded.shape()) + Output.varLongLength(encoded.originalBytes(), true)
        + 16 + Output.varIntLength(parameters, true) + 5L * parameters
        + Output.varLongLength(encoded.payloadBytes(), true) + encoded.payloadBytes();
  }
}
