package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ByteRegionTest {
  @Test
  void of_heapTensor_lendsItsBackingArray() {
    byte[] backing = {9, 1, 2, 3, 9};
    Tensor tensor = Tensor.of(DataType.UINT8, List.of(3L), ByteBuffer.wrap(backing, 1, 3));
    ByteRegion region = ByteRegion.of(tensor);
    assertThat(region.array()).isSameAs(backing);
    assertThat(region.offset()).isEqualTo(1);
    assertThat(region.length()).isEqualTo(3);
  }

  @Test
  void of_directTensor_copiesOnce() {
    byte[] bytes = TestingTensors.random(DataType.UINT8, List.of(300_000L), 1).toByteArray();
    Tensor tensor = Tensor.of(DataType.UINT8, List.of(300_000L), ByteBuffer.allocateDirect(bytes.length).put(bytes).flip());
    ByteRegion region = ByteRegion.of(tensor);
    assertThat(region.offset()).isZero();
    assertThat(Arrays.copyOfRange(region.array(), 0, region.length())).isEqualTo(bytes);
  }

  @Test
  void of_emptyTensor_isEmpty() {
    ByteRegion region = ByteRegion.of(Tensor.of(DataType.UINT8, List.of(0L), ByteBuffer.allocate(0)));
    assertThat(region.length()).isZero();
  }
}
