package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

final class TensorWireTest {
  @Test
  void fromBytes_everyDtype_sameShapeAndBytes() {
    for (DataType type : TestingTensors.TYPES) {
      Tensor tensor = TestingTensors.random(type, List.of(4L, 1L, 3L), 100 + type.ordinal());
      byte[] message = TensorWire.toBytes(tensor);
      assertThat((long) message.length).isEqualTo(TensorWire.serializedSize(tensor));
      Tensor back = TensorWire.fromBytes(message);
      assertThat(back.dataType()).isEqualTo(type);
      assertThat(back.shape()).isEqualTo(tensor.shape());
      assertThat(back.data()).as(type.label()).isEqualTo(tensor.data());
    }
  }

  @Test
  void toBytes_largeDimensions_sizeIsExact() {
    Tensor tensor = TestingTensors.random(DataType.UINT8, List.of(1L, 200L, 1L, 300L, 2L), 2);
    assertThat((long) TensorWire.toBytes(tensor).length).isEqualTo(TensorWire.serializedSize(tensor));
  }

  @Test
  void fromBytes_trailingBytes_areRejected() {
    byte[] message = TensorWire.toBytes(TestingTensors.random(DataType.INT8, List.of(10L), 3));
    byte[] longer = Arrays.copyOf(message, message.length + 3);
    assertThatThrownBy(() -> TensorWire.fromBytes(longer))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("message has 3 bytes after the tensor");
  }

  @Test
  void fromBytes_garbage_isAClearWireError() {
    assertThatThrownBy(() -> TensorWire.fromBytes(new byte[] {1}))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("tensor message is truncated: it ends before its header and payload do");
  }

  @Test
  void write_intoADirectBufferAtAnOffset_sameBytesAsToBytesAndOrderKept() {
    Tensor tensor = TestingTensors.random(DataType.FLOAT32, List.of(8L, 8L), 4);
    byte[] message = TensorWire.toBytes(tensor);
    ByteBuffer target = ByteBuffer.allocateDirect(message.length + 20).order(ByteOrder.LITTLE_ENDIAN);
    target.position(7);
    TensorWire.write(tensor, target);
    assertThat(target.position()).isEqualTo(7 + message.length);
    assertThat(target.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    byte[] written = new byte[message.length];
    target.get(7, written);
    assertThat(written).isEqualTo(message);
  }

  @Test
  void read_fromABufferAtAnOffset_advancesPastTheTensor() {
    Tensor tensor = TestingTensors.random(DataType.INT16, List.of(5L, 5L), 5);
    byte[] message = TensorWire.toBytes(tensor);
    ByteBuffer source = ByteBuffer.allocateDirect(message.length + 10);
    source.position(3);
    source.put(message).put((byte) 42).flip().position(3);
    Tensor back = TensorWire.read(source);
    assertThat(back.data()).isEqualTo(tensor.data());
    assertThat(source.position()).isEqualTo(3 + message.length);
    assertThat(source.get()).isEqualTo((byte) 42);
  }

  @Test
  void write_bufferTooSmall_throwsBufferOverflowAndWritesNothing() {
    Tensor tensor = TestingTensors.random(DataType.FLOAT32, List.of(100L), 6);
    ByteBuffer target = ByteBuffer.allocate(100);
    target.position(10);
    assertThatThrownBy(() -> TensorWire.write(tensor, target)).isInstanceOf(BufferOverflowException.class);
    assertThat(target.position()).isEqualTo(10);
  }

  @Test
  void read_headerClaimingMoreThanTheBufferHolds_failsFast() {
    ByteBuffer source = ByteBuffer.wrap(TensorWire.toBytes(TestingTensors.random(DataType.FLOAT32, List.of(50L), 7)));
    source.limit(source.limit() - 1);
    assertThatThrownBy(() -> TensorWire.read(source))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("tensor message claims 200 payload bytes but only 199 remain");
  }

  @Test
  void encodedFromBytes_everyCodec_sameFieldsAndPayload() {
    Tensor tensor = TestingTensors.gaussian(List.of(2L, 3L, 4L, 4L), 1.0, 8);
    for (WireCodec codec : WireCodecs.all()) {
      EncodedTensor encoded = codec.encode(tensor);
      byte[] message = TensorWire.toBytes(encoded);
      assertThat((long) message.length).isEqualTo(encoded.encodedBytes());
      EncodedTensor back = TensorWire.encodedFromBytes(message);
      assertThat(back.codec()).isEqualTo(codec.name());
      assertThat(back.dataType()).isEqualTo(DataType.FLOAT32);
      assertThat(back.shape()).isEqualTo(tensor.shape());
      assertThat(back.scales()).isEqualTo(encoded.scales());
      assertThat(back.zeroPoints()).isEqualTo(encoded.zeroPoints());
      assertThat(back.error()).isEqualTo(encoded.error());
      assertThat(back.payload()).isEqualTo(encoded.payload());
      assertThat(WireCodecs.decode(back).data()).as(codec.name()).isEqualTo(codec.decode(encoded).data());
    }
  }

  @Test
  void writeEncoded_thenReadEncoded_throughADirectBuffer() {
    EncodedTensor encoded = WireCodecs.byName("int8-channel").encode(TestingTensors.gaussian(List.of(1L, 4L, 3L), 2, 9));
    ByteBuffer buffer = ByteBuffer.allocateDirect(1024);
    TensorWire.write(encoded, buffer);
    assertThat((long) buffer.position()).isEqualTo(encoded.encodedBytes());
    buffer.flip();
    EncodedTensor back = TensorWire.readEncoded(buffer);
    assertThat(back.payload()).isEqualTo(encoded.payload());
    assertThat(buffer.hasRemaining()).isFalse();
  }
}
