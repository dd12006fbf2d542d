package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

final class RawCodecTest {
  private final RawCodec codec = new RawCodec();

  @Test
  void decode_everyDtype_exact() {
    for (DataType type : TestingTensors.TYPES) {
      Tensor tensor = TestingTensors.random(type, List.of(3L, 7L), 20 + type.ordinal());
      assertThat(codec.supports(tensor)).isTrue();
      EncodedTensor encoded = codec.encode(tensor);
      assertThat(encoded.error()).isEqualTo(CodecError.NONE);
      assertThat(encoded.payloadBytes()).isEqualTo(tensor.byteSize());
      Tensor back = codec.decode(encoded);
      assertThat(back.dataType()).isEqualTo(type);
      assertThat(back.shape()).isEqualTo(tensor.shape());
      assertThat(back.data()).as(type.label()).isEqualTo(tensor.data());
    }
  }

  @Test
  void encode_reportsItsWireSize() {
    Tensor tensor = TestingTensors.random(DataType.FLOAT32, List.of(1L, 16L, 8L, 8L), 1);
    EncodedTensor encoded = codec.encode(tensor);
    assertThat(encoded.encodedBytes()).isEqualTo(TensorWire.toBytes(encoded).length);
    assertThat(encoded.compressionRatio()).isLessThan(1.0).isGreaterThan(0.99);
  }

  @Test
  void decode_otherCodecsEncoding_isRefused() {
    EncodedTensor lz4 = new Lz4Codec(1000).encode(TestingTensors.random(DataType.UINT8, List.of(10L), 2));
    assertThatThrownBy(() -> codec.decode(lz4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("raw cannot decode EncodedTensor[lz4 uint8 [10]")
        .hasMessageEndingWith("it was made by lz4");
  }
}
