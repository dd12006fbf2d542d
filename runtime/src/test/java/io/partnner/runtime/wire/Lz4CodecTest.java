package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.List;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;

final class Lz4CodecTest {
  private final Lz4Codec codec = new Lz4Codec(TensorKryo.DEFAULT_MAX_TENSOR_BYTES);

  private static Tensor compressedPayload(byte[] original) {
    byte[] compressed = LZ4Factory.fastestInstance().fastCompressor().compress(original);
    return Codecs.bytePayload(compressed, compressed.length);
  }

  @Test
  void decode_everyDtype_exact() {
    for (DataType type : TestingTensors.TYPES) {
      Tensor tensor = TestingTensors.random(type, List.of(5L, 9L), 40 + type.ordinal());
      EncodedTensor encoded = codec.encode(tensor);
      assertThat(encoded.error()).isEqualTo(CodecError.NONE);
      Tensor back = codec.decode(encoded);
      assertThat(back.dataType()).isEqualTo(type);
      assertThat(back.shape()).isEqualTo(tensor.shape());
      assertThat(back.data()).as(type.label()).isEqualTo(tensor.data());
    }
  }

  @Test
  void encode_zeros_compressesFarBelowTheOriginal() {
    Tensor zeros = Tensor.ofFloats(List.of(1L, 64L, 32L, 32L), new float[64 * 32 * 32]);
    EncodedTensor encoded = codec.encode(zeros);
    assertThat(encoded.compressionRatio()).isGreaterThan(100);
    assertThat(codec.decode(encoded).data()).isEqualTo(zeros.data());
  }

  @Test
  void decode_directSourceTensor_exact() {
    byte[] bytes = TestingTensors.random(DataType.INT32, List.of(1000L), 3).toByteArray();
    Tensor direct = Tensor.of(DataType.INT32, List.of(1000L), ByteBuffer.allocateDirect(4000).put(bytes).flip());
    assertThat(codec.decode(codec.encode(direct)).toByteArray()).isEqualTo(bytes);
  }

  @Test
  void decode_payloadShorterThanTheHeaderSays_isRejected() {
    Tensor payload = compressedPayload(new byte[100]);
    EncodedTensor lying = EncodedTensor.create(CodecKind.LZ4, DataType.UINT8, List.of(200L), new float[0], new int[0],
        payload, CodecError.NONE);
    assertThatThrownBy(() -> codec.decode(lying))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("lz4 payload decompressed to 100 bytes but its header says 200");
  }

  @Test
  void decode_payloadLongerThanTheHeaderSays_isRejected() {
    Tensor payload = compressedPayload(new byte[100]);
    EncodedTensor lying = EncodedTensor.create(CodecKind.LZ4, DataType.UINT8, List.of(50L), new float[0], new int[0],
        payload, CodecError.NONE);
    assertThatThrownBy(() -> codec.decode(lying))
        .isInstanceOf(WireFormatException.class)
        .hasMessageStartingWith("lz4 payload of " + payload.byteSize() + " bytes does not decompress to the 50 bytes");
  }

  @Test
  void decode_corruptPayload_isRejected() {
    byte[] garbage = TestingTensors.random(DataType.UINT8, List.of(64L), 9).toByteArray();
    EncodedTensor corrupt = EncodedTensor.create(CodecKind.LZ4, DataType.UINT8, List.of(1000L), new float[0],
        new int[0], Codecs.bytePayload(garbage, garbage.length), CodecError.NONE);
    assertThatThrownBy(() -> codec.decode(corrupt))
        .isInstanceOf(WireFormatException.class)
        .hasMessageStartingWith("lz4 payload of 64 bytes");
  }

  @Test
  void decode_originalOverTheLimit_isRejectedBeforeAllocating() {
    Lz4Codec small = new Lz4Codec(1000);
    EncodedTensor encoded = codec.encode(Tensor.ofFloats(List.of(1000L), new float[1000]));
    assertThatThrownBy(() -> small.decode(encoded))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("lz4 payload claims 4000 bytes, over the limit of 1000");
  }
}
