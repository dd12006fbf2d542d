package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.ByteBufferInput;
import com.esotericsoftware.kryo.io.ByteBufferOutput;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

final class TensorSerializerTest {
  private final Kryo kryo = TensorKryo.newKryo();

  private byte[] serialize(Tensor tensor) {
    Output output = new Output(256, -1);
    kryo.writeObject(output, tensor);
    return output.toBytes();
  }

  private Tensor deserialize(byte[] message) {
    return kryo.readObject(new Input(message), Tensor.class);
  }

  /** A header written field by field, so each field can be wrong on purpose, then {@code payload} bytes. */
  private static byte[] message(int version, int dtype, long[] dims, long claimedBytes, int payload) {
    Output output = new Output(64, -1);
    output.writeByte(version);
    output.writeByte(dtype);
    output.writeVarInt(dims.length, true);
    for (long dim : dims) {
      output.writeVarLong(dim, true);
    }
    output.writeVarLong(claimedBytes, true);
    output.writeBytes(new byte[payload]);
    return output.toBytes();
  }

  @Test
  void read_everyDtype_sameShapeAndBytes() {
    for (DataType type : TestingTensors.TYPES) {
      Tensor tensor = TestingTensors.random(type, List.of(2L, 3L, 5L), type.ordinal());
      Tensor back = deserialize(serialize(tensor));
      assertThat(back.dataType()).isEqualTo(type);
      assertThat(back.shape()).isEqualTo(List.of(2L, 3L, 5L));
      assertThat(back.data()).as(type.label()).isEqualTo(tensor.data());
    }
  }

  @Test
  void read_throughDirectByteBuffers_sameShapeAndBytes() {
    Tensor tensor = TestingTensors.random(DataType.FLOAT32, List.of(1L, 64L, 32L, 32L), 7);
    ByteBuffer direct = ByteBuffer.allocateDirect(300_000);
    ByteBufferOutput output = new ByteBufferOutput(direct);
    kryo.writeObject(output, tensor);
    direct.flip();
    Tensor back = kryo.readObject(new ByteBufferInput(direct), Tensor.class);
    assertThat(back.shape()).isEqualTo(tensor.shape());
    assertThat(back.data()).isEqualTo(tensor.data());
  }

  @Test
  void read_fromAStreamLargerThanOneChunk_sameBytes() {
    Tensor tensor = TestingTensors.random(DataType.INT64, List.of(400_000L), 3);
    byte[] message = serialize(tensor);
    Tensor back = kryo.readObject(new Input(new ByteArrayInputStream(message), 4096), Tensor.class);
    assertThat(back.data()).isEqualTo(tensor.data());
  }

  @Test
  void read_directSourceTensor_sameBytes() {
    byte[] bytes = TestingTensors.random(DataType.UINT8, List.of(150_000L), 4).toByteArray();
    Tensor direct = Tensor.of(DataType.UINT8, List.of(150_000L), ByteBuffer.allocateDirect(bytes.length).put(bytes).flip());
    assertThat(deserialize(serialize(direct)).toByteArray()).isEqualTo(bytes);
  }

  @Test
  void read_scalarAndEmptyTensors_roundTrip() {
    Tensor scalar = Tensor.ofFloats(List.of(), new float[] {2.5f});
    assertThat(deserialize(serialize(scalar)).toFloatArray()).containsExactly(2.5f);
    Tensor empty = Tensor.of(DataType.INT32, List.of(0L, 5L), ByteBuffer.allocate(0));
    Tensor back = deserialize(serialize(empty));
    assertThat(back.shape()).isEqualTo(List.of(0L, 5L));
    assertThat(back.byteSize()).isZero();
  }

  @Test
  void read_unknownDtypeCode_isRejected() {
    assertThatThrownBy(() -> deserialize(message(1, 99, new long[] {2}, 8, 8)))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("tensor message has unknown dtype code 99");
    // 8 is ONNX's string, which has no fixed size and never travels as a tensor.
    assertThatThrownBy(() -> deserialize(message(1, 8, new long[] {2}, 8, 8)))
        .hasMessage("tensor message has unknown dtype code 8");
  }

  @Test
  void read_otherFormatVersion_isRejected() {
    assertThatThrownBy(() -> deserialize(message(2, 1, new long[] {2}, 8, 8)))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("tensor message has format version 2, this build reads version 1");
  }

  @Test
  void read_rankOverTheLimit_isRejected() {
    assertThatThrownBy(() -> deserialize(message(1, 1, new long[9], 0, 0)))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("tensor message has rank 9, over the limit of 8");
  }

  @Test
  void read_negativeDimension_isRejected() {
    assertThatThrownBy(() -> deserialize(message(1, 1, new long[] {2, -3}, 0, 0)))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("tensor message has dimension -3 at axis 1, not a size");
  }

  @Test
  void read_overflowingDimensions_areRejected() {
    assertThatThrownBy(() -> deserialize(message(1, 1, new long[] {1L << 40, 1L << 40}, 0, 0)))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("tensor message: shape [1099511627776, 1099511627776] has more elements than fit in a long");
    assertThatThrownBy(() -> deserialize(message(1, 1, new long[] {1L << 62}, 0, 0)))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("overflows a byte count");
  }

  @Test
  void read_byteCountNotMatchingTheShape_isRejected() {
    assertThatThrownBy(() -> deserialize(message(1, 1, new long[] {2, 3}, 20, 20)))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("tensor message says 20 bytes but a float32 tensor of shape [2, 3] has 24");
  }

  @Test
  void read_headerClaimingMoreThanTheMessageHolds_failsFastWithoutAllocating() {
    byte[] message = message(1, 1, new long[] {1L << 38}, 1L << 40, 90);
    long before = TestingTensors.allocatedBytes();
    assertThatThrownBy(() -> deserialize(message))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("tensor message claims 1099511627776 payload bytes but only 90 remain");
    assertThat(TestingTensors.allocatedBytes() - before).isLessThan(64 * 1024);
  }

  @Test
  void read_overTheConfiguredLimit_isRejected() {
    Tensor tensor = TestingTensors.random(DataType.FLOAT32, List.of(1000L), 5);
    byte[] message = serialize(tensor);
    Kryo small = TensorKryo.newKryo(1000);
    assertThatThrownBy(() -> small.readObject(new Input(message), Tensor.class))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("tensor message claims 4000 payload bytes, over the limit of 1000");
  }

  @Test
  void read_truncatedPayload_isRejectedBeforeReading() {
    byte[] message = serialize(TestingTensors.random(DataType.FLOAT32, List.of(1000L), 6));
    byte[] cut = Arrays.copyOf(message, message.length - 10);
    assertThatThrownBy(() -> deserialize(cut))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("tensor message claims 4000 payload bytes but only 3990 remain");
  }

  @Test
  void read_truncatedHeader_isRejected() {
    byte[] message = serialize(TestingTensors.random(DataType.FLOAT32, List.of(300L, 300L), 6));
    assertThatThrownBy(() -> deserialize(Arrays.copyOf(message, 4)))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("tensor message is truncated: it ends before its header and payload do");
  }

  @Test
  void read_truncatedStream_isRejected() {
    byte[] message = serialize(TestingTensors.random(DataType.FLOAT32, List.of(1000L), 6));
    byte[] cut = Arrays.copyOf(message, message.length - 10);
    assertThatThrownBy(() -> kryo.readObject(new Input(new ByteArrayInputStream(cut), 512), Tensor.class))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("tensor message is truncated: it ends before its header and payload do");
  }

  @Test
  void read_streamWhoseHeaderLies_allocatesOnlyWhatArrives() {
    byte[] message = message(1, 1, new long[] {50_000_000}, 200_000_000, 1000);
    long before = TestingTensors.allocatedBytes();
    assertThatThrownBy(() -> kryo.readObject(new Input(new ByteArrayInputStream(message), 512), Tensor.class))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("truncated");
    assertThat(TestingTensors.allocatedBytes() - before).isLessThan(4L << 20);
  }

  @Test
  void write_rankOverTheLimit_isRefusedAtTheSender() {
    Tensor deep = Tensor.ofFloats(List.of(1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L), new float[1]);
    assertThatThrownBy(() -> serialize(deep))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Tensor[float32 [1, 1, 1, 1, 1, 1, 1, 1, 1]] of rank 9 cannot be sent: the wire allows at most 8");
  }

  @Test
  void write_overTheLimit_isRefusedAtTheSender() {
    Kryo small = TensorKryo.newKryo(100);
    Tensor tensor = TestingTensors.random(DataType.FLOAT32, List.of(26L), 1);
    assertThatThrownBy(() -> small.writeObject(new Output(256), tensor))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Tensor[float32 [26]] of 104 bytes cannot be sent: the limit is 100 bytes");
  }

  @Test
  void new_negativeLimit_isRejected() {
    assertThatThrownBy(() -> new TensorSerializer(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxTensorBytes must not be negative, got -1");
  }
}
