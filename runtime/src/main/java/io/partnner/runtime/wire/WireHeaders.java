package io.partnner.runtime.wire;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The header fields both tensor formats share, and the checks that run on them before any buffer sized
 * by the peer is allocated. Element types use the ONNX {@code TensorProto.DataType} numbers, which are
 * stable across ONNX versions, rather than our enum's ordinals.
 */
final class WireHeaders {
  static final int FORMAT_VERSION = 1;
  static final int MAX_RANK = 8;

  // Streams do not say how many bytes are left, so a payload read from one grows with the bytes that
  // actually arrive, starting here, instead of trusting the length in the header.
  private static final int STREAM_CHUNK = 1 << 20;

  private WireHeaders() {}

  static void writeVersion(Output output) {
    output.writeByte(FORMAT_VERSION);
  }

  static void readVersion(Input input, String what) {
    int version = input.readByteUnsigned();
    if (version != FORMAT_VERSION) {
      throw new WireFormatException(
          what + " has format version " + version + ", this build reads version " + FORMAT_VERSION);
    }
  }

  static int dataTypeCode(DataType type) {
    if (type == DataType.STRING) {
      throw new IllegalArgumentException("string tensors cannot be sent");
    }
    return type.onnxCode();
  }

  static DataType readDataType(Input input, String what) {
    int code = input.readByteUnsigned();
    DataType type = DataType.fromOnnxCode(code);
    if (type == null || type == DataType.STRING) {
      throw new WireFormatException(what + " has unknown dtype code " + code);
    }
    return type;
  }

  /**
   * Rejects what a peer would refuse, so a sender fails at home with the same reason. {@code what} is
   * only turned into text on failure: this runs on every write.
   */
  static void checkSendable(DataType type, List<Long> shape, long bytes, int maxBytes, Object what) {
    dataTypeCode(type);
    if (shape.size() > MAX_RANK) {
      throw new IllegalArgumentException(
          what + " of rank " + shape.size() + " cannot be sent: the wire allows at most " + MAX_RANK);
    }
    if (bytes > maxBytes) {
      throw new IllegalArgumentException(
          what + " of " + bytes + " bytes cannot be sent: the limit is " + maxBytes + " bytes");
    }
  }

  static void writeShape(Output output, List<Long> shape) {
    output.writeVarInt(shape.size(), true);
    for (long dim : shape) {
      output.writeVarLong(dim, true);
    }
  }

  static int shapeLength(List<Long> shape) {
    int length = Output.varIntLength(shape.size(), true);
    for (long dim : shape) {
      length += Output.varLongLength(dim, true);
    }
    return length;
  }

  static List<Long> readShape(Input input, String what) {
    int rank = input.readVarInt(true);
    if (rank < 0 || rank > MAX_RANK) {
      throw new WireFormatException(what + " has rank " + rank + ", over the limit of " + MAX_RANK);
    }
    List<Long> shape = new ArrayList<>(rank);
    for (int axis = 0; axis < rank; axis++) {
      long dim = input.readVarLong(true);
      if (dim < 0) {
        throw new WireFormatException(what + " has dimension " + dim + " at axis " + axis + ", not a size");
      }
      shape.add(dim);
    }
    return shape;
  }

  /** Bytes the shape needs, with element-count and byte-count overflow reported as a wire error. */
  static long expectedBytes(DataType type, List<Long> shape, String what) {
    try {
      return Tensor.expectedBytes(type, shape);
    } catch (IllegalArgumentException overflow) {
      throw new WireFormatException(what + ": " + overflow.getMessage(), overflow);
    }
  }

  /**
   * Checks a length read from the header against what the message can hold: the bytes left in a bounded
   * input, and the configured limit. Runs before the block is allocated.
   */
  static int checkedLength(long claimed, String block, Input input, int maxBytes, String what) {
    if (claimed < 0) {
      throw new WireFormatException(what + " claims " + claimed + " " + block + " bytes, not a size");
    }
    if (isBounded(input)) {
      int remaining = input.limit() - input.position();
      if (claimed > remaining) {
        throw new WireFormatException(
            what + " claims " + claimed + " " + block + " bytes but only " + remaining + " remain");
      }
    }
    if (claimed > maxBytes) {
      throw new WireFormatException(
          what + " claims " + claimed + " " + block + " bytes, over the limit of " + maxBytes);
    }
    return (int) claimed;
  }

  /** An input without a stream behind it holds the whole message, so its limit is the message's end. */
  static boolean isBounded(Input input) {
    return input.getInputStream() == null;
  }

  /**
   * Reads {@code count} bytes, already checked by {@link #checkedLength}, into the start of {@code target}
   * (at least that long) and returns it.
   */
  static byte[] readBlockInto(Input input, byte[] target, int count) {
    input.readBytes(target, 0, count);
    return target;
  }

  /** Reads {@code count} bytes, already checked by {@link #checkedLength}, with one bulk copy when possible. */
  static byte[] readBlock(Input input, int count) {
    if (isBounded(input)) {
      if (input.getClass() == Input.class) {
        // copyOfRange lets the JIT skip zeroing the new array, which the copy overwrites anyway.
        int start = input.position();
        byte[] block = Arrays.copyOfRange(input.getBuffer(), start, start + count);
        input.setPosition(start + count);
        return block;
      }
      byte[] block = new byte[count];
      input.readBytes(block, 0, count);
      return block;
    }
    byte[] block = new byte[Math.min(count, STREAM_CHUNK)];
    int filled = 0;
    while (filled < count) {
      if (filled == block.length) {
        block = Arrays.copyOf(block, (int) Math.min(count, 2L * block.length));
      }
      int wanted = block.length - filled;
      input.readBytes(block, filled, wanted);
      filled += wanted;
    }
    return block;
  }
}
