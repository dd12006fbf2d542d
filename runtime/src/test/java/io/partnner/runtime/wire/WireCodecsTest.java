package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

final class WireCodecsTest {
  @Test
  void names_areTheFiveCodecsRawFirst() {
    assertThat(WireCodecs.names()).containsExactly("raw", "float16", "int8", "int8-channel", "lz4");
  }

  @Test
  void byName_everyName_findsTheCodecOfThatName() {
    for (String name : WireCodecs.names()) {
      assertThat(WireCodecs.byName(name).name()).isEqualTo(name);
    }
    assertThat(WireCodecs.byName("raw").lossy()).isFalse();
    assertThat(WireCodecs.byName("lz4").lossy()).isFalse();
    assertThat(WireCodecs.byName("float16").lossy()).isTrue();
    assertThat(WireCodecs.byName("int8-channel").lossy()).isTrue();
  }

  @Test
  void byName_unknownName_listsTheKnownOnes() {
    assertThatThrownBy(() -> WireCodecs.byName("zstd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown wire codec 'zstd'; known: raw, float16, int8, int8-channel, lz4");
  }

  @Test
  void decode_picksTheCodecThatEncoded() {
    Tensor tensor = TestingTensors.gaussian(List.of(1L, 3L, 4L, 4L), 1, 4);
    for (WireCodec codec : WireCodecs.all()) {
      EncodedTensor encoded = codec.encode(tensor);
      assertThat(WireCodecs.decode(encoded).data()).as(codec.name()).isEqualTo(codec.decode(encoded).data());
    }
  }

  @Test
  void supports_nonFloatTensor_onlyLosslessCodecs() {
    Tensor ids = TestingTensors.random(DataType.INT64, List.of(2L, 3L), 1);
    for (WireCodec codec : WireCodecs.all()) {
      assertThat(codec.supports(ids)).as(codec.name()).isEqualTo(!codec.lossy());
    }
  }

  @Test
  void decode_emptyAndScalarTensors_everyCodecThatTakesThem() {
    Tensor empty = Tensor.ofFloats(List.of(0L, 3L, 4L), new float[0]);
    Tensor scalar = Tensor.ofFloats(List.of(), new float[] {0.75f});
    for (WireCodec codec : WireCodecs.all()) {
      Tensor back = codec.decode(TensorWire.encodedFromBytes(TensorWire.toBytes(codec.encode(empty))));
      assertThat(back.shape()).as(codec.name()).isEqualTo(List.of(0L, 3L, 4L));
      assertThat(back.byteSize()).isZero();
      if (codec.supports(scalar)) {
        assertThat(codec.decode(codec.encode(scalar)).toFloatArray()).as(codec.name()).containsExactly(0.75f);
      }
    }
    assertThat(WireCodecs.byName("int8-channel").supports(scalar)).isFalse();
  }
}
