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
 * Kryo serializer for {@link Tensor}. Format: format version (byte), dtype as its ONNX number (byte),
 * rank (varint, at most 8), each dimension (varlong), byte count (varlong), then the payload as one block.
 * Reading checks every header field, and that the message holds the claimed bytes, before allocating.
 */
public final class TensorSerializer extends Serializer<Tensor> {
  private static final String WHAT = "tensor message";

  private final int maxTensorBytes;

  /** A serializer that refuses tensors larger than {@code maxTensorBytes}, in both directions. */
  public TensorSerializer(int maxTensorBytes) {
    super(false, true);
    if (maxTensorBytes < 0) {
      throw new IllegalArgumentException("maxTensorBytes must not be negative, got " + maxTensorBytes);
    }
    this.maxTensorBytes = maxTensorBytes;
  }

  @Override
  public void write(Kryo kryo, Output output, Tensor tensor) {
    WireHeaders.checkSendable(tensor.dataType(), tensor.shape(), tensor.byteSize(), maxTensorBytes, tensor);
    WireHeaders.writeVersion(output);
    output.writeByte(WireHeaders.dataTypeCode(tensor.dataType()));
    WireHeaders.writeShape(output, tensor.shape());
    output.writeVarLong(tensor.byteSize(), true);
    try {
      tensor.writeTo(output);
    } catch (IOException impossible) {
      // Kryo outputs report failures as unchecked KryoExceptions; this only satisfies OutputStream's signature.
      throw new KryoException(impossible);
    }
  }

  @Override
  public Tensor read(Kryo kryo, Input input, Class<? extends Tensor> type) {
    try {
      WireHeaders.readVersion(input, WHAT);
      DataType dataType = WireHeaders.readDataType(input, WHAT);
      List<Long> shape = WireHeaders.readShape(input, WHAT);
      long expected = WireHeaders.expectedBytes(dataType, shape, WHAT);
      long claimed = input.readVarLong(true);
      if (claimed != expected) {
        throw new WireFormatException(WHAT + " says " + claimed + " bytes but a " + dataType.label()
            + " tensor of shape " + shape + " has " + expected);
      }
      int count = WireHeaders.checkedLength(claimed, "payload", input, maxTensorBytes, WHAT);
      return Tensor.of(dataType, shape, ByteBuffer.wrap(WireHeaders.readBlock(input, count)));
    } catch (KryoBufferUnderflowException truncated) {
      throw new WireFormatException(WHAT + " is truncated: it ends before its header and payload do", truncated);
    } catch (KryoException malformed) {
      throw new WireFormatException(WHAT + " is malformed: " + malformed.getMessage(), malformed);
    }
  }

  /** Exact bytes {@link #write} produces for this tensor. */
  static long serializedSize(Tensor tensor) {
    return 2L + WireHeaders.shapeLength(tensor.shape()) + Output.varLongLength(tensor.byteSize(), true)
        + tensor.byteSize();
  }
}
