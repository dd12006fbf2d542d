package io.partnner.runtime.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.model.DataType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class TensorTest {
  @Test
  void of_matchingBytes_readsElementsLittleEndian() {
    ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).flip();
    Tensor tensor = Tensor.of(DataType.FLOAT32, List.of(1L, 2L), data);
    assertThat(tensor.elementCount()).isEqualTo(2);
    assertThat(tensor.elementAsDouble(0)).isEqualTo(1.5);
    assertThat(tensor.elementAsDouble(1)).isEqualTo(-2.0);
  }

  @Test
  void of_wrongByteCount_namesShapeAndCounts() {
    assertThatThrownBy(() -> Tensor.of(DataType.FLOAT32, List.of(2L, 3L), ByteBuffer.allocate(20)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a float32 tensor of shape [2, 3] needs 24 bytes, got 20");
  }

  @Test
  void of_negativeDimension_isRejected() {
    assertThatThrownBy(() -> Tensor.of(DataType.UINT8, List.of(-1L), ByteBuffer.allocate(0)))
        .hasMessageContaining("dimension -1");
  }

  @Test
  void expectedBytes_overflowingShape_isRejectedBeforeAllocating() {
    assertThatThrownBy(() -> Tensor.expectedBytes(DataType.INT64, List.of(1L << 40, 1L << 30)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more elements than fit");
    assertThatThrownBy(() -> Tensor.expectedBytes(DataType.INT64, List.of(1L << 61)))
        .hasMessageContaining("overflows a byte count");
  }

  @Test
  void ofFloats_values_roundTripThroughToFloatArray() {
    float[] values = {1.5f, -0f, Float.NaN, Float.MIN_VALUE, -3e38f, 7f};
    Tensor tensor = Tensor.ofFloats(List.of(2L, 3L), values);
    assertThat(tensor.dataType()).isEqualTo(DataType.FLOAT32);
    assertThat(tensor.byteSize()).isEqualTo(24);
    assertThat(tensor.elementAsDouble(5)).isEqualTo(7.0);
    float[] back = tensor.toFloatArray();
    for (int i = 0; i < values.length; i++) {
      assertThat(Float.floatToRawIntBits(back[i])).isEqualTo(Float.floatToRawIntBits(values[i]));
    }
  }

  @Test
  void ofFloats_valuesArrayChangedLater_tensorKeepsItsCopy() {
    float[] values = {1f, 2f};
    Tensor tensor = Tensor.ofFloats(List.of(2L), values);
    values[0] = 99f;
    assertThat(tensor.toFloatArray()).containsExactly(1f, 2f);
  }

  @Test
  void ofFloats_shapeNotHoldingTheValues_namesBoth() {
    assertThatThrownBy(() -> Tensor.ofFloats(List.of(3L), new float[2]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a float32 tensor of shape [3] needs 12 bytes, got 8");
  }

  @Test
  void toFloatArray_notFloat32_namesTheTensor() {
    Tensor tensor = Tensor.of(DataType.INT64, List.of(1L), ByteBuffer.allocate(8));
    assertThatThrownBy(tensor::toFloatArray)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("toFloatArray needs a float32 tensor, this is Tensor[int64 [1]]");
  }

  @Test
  void toByteArray_returnsACopyOfThePayload() {
    byte[] bytes = {1, 2, 3, 4};
    Tensor tensor = Tensor.of(DataType.UINT8, List.of(4L), ByteBuffer.wrap(bytes.clone()));
    byte[] copy = tensor.toByteArray();
    assertThat(copy).containsExactly(bytes);
    copy[0] = 9;
    assertThat(tensor.elementAsDouble(0)).isEqualTo(1.0);
  }

  @Test
  void reinterpret_sameByteCount_seesTheSameBytes() {
    Tensor floats = Tensor.ofFloats(List.of(2L), new float[] {1f, -2f});
    Tensor bytes = floats.reinterpret(DataType.UINT8, List.of(8L));
    assertThat(bytes.data()).isEqualTo(floats.data());
    assertThat(bytes.reinterpret(DataType.FLOAT32, List.of(1L, 2L)).toFloatArray()).containsExactly(1f, -2f);
  }

  @Test
  void reinterpret_otherByteCount_isRejected() {
    Tensor floats = Tensor.ofFloats(List.of(2L), new float[] {1f, -2f});
    assertThatThrownBy(() -> floats.reinterpret(DataType.INT64, List.of(2L)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a int64 tensor of shape [2] needs 16 bytes, got 8");
  }

  @Test
  void writeTo_heapTensor_oneWriteOfTheWholePayload() throws IOException {
    byte[] bytes = new byte[100_000];
    new Random(1).nextBytes(bytes);
    Tensor tensor = Tensor.of(DataType.UINT8, List.of(100_000L), ByteBuffer.wrap(bytes));
    CountingStream out = new CountingStream();
    tensor.writeTo(out);
    assertThat(out.writes).isEqualTo(1);
    assertThat(out.toByteArray()).isEqualTo(bytes);
  }

  @Test
  void writeTo_directTensor_writesEveryByteInChunks() throws IOException {
    byte[] bytes = new byte[200_000];
    new Random(2).nextBytes(bytes);
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    Tensor tensor = Tensor.of(DataType.UINT8, List.of((long) bytes.length), direct);
    CountingStream out = new CountingStream();
    tensor.writeTo(out);
    assertThat(out.writes).isGreaterThan(1);
    assertThat(out.toByteArray()).isEqualTo(bytes);
  }

  private static final class CountingStream extends ByteArrayOutputStream {
    int writes;

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) {
      writes++;
      super.write(bytes, offset, length);
    }
  }
}
