package io.partnner.runtime.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.model.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
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
  void halfFloats_toFloat_coversNormalSubnormalAndSpecials() {
    assertThat(HalfFloats.toFloat((short) 0x3c00)).isEqualTo(1.0f);
    assertThat(HalfFloats.toFloat((short) 0xc000)).isEqualTo(-2.0f);
    assertThat(HalfFloats.toFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    assertThat(HalfFloats.toFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(HalfFloats.toFloat((short) 0x7e00)).isNaN();
    assertThat(HalfFloats.toFloat((short) 0x7bff)).isEqualTo(65504f);
  }
}
