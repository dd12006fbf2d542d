package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class Int8CodecTest {
  private final Int8Codec perTensor = new Int8Codec(false);
  private final Int8Codec perChannel = new Int8Codec(true);

  /** NCHW with channel c drawn uniformly from [-r_c, r_c], ranges spread over five decades. */
  private static Tensor channelsOfVeryDifferentRanges() {
    float[] ranges = {0.01f, 0.1f, 1f, 10f, 100f};
    float[] values = new float[2 * ranges.length * 36];
    Random random = new Random(5);
    int i = 0;
    for (int n = 0; n < 2; n++) {
      for (float range : ranges) {
        for (int k = 0; k < 36; k++) {
          values[i++] = (random.nextFloat() * 2 - 1) * range;
        }
      }
    }
    return Tensor.ofFloats(List.of(2L, (long) ranges.length, 6L, 6L), values);
  }

  @Test
  void decode_valuesNearFloatMax_stayFinite() {
    Tensor extremes = Tensor.ofFloats(List.of(1L, 2L), new float[] {Float.MAX_VALUE, -Float.MAX_VALUE});
    Tensor back = perTensor.decode(perTensor.encode(extremes));
    for (float value : back.toFloatArray()) {
      assertThat(Float.isFinite(value)).isTrue();
    }
  }

  @Test
  void encode_gaussian_reportsExactlyTheMeasuredError() {
    for (Int8Codec codec : List.of(perTensor, perChannel)) {
      Tensor tensor = TestingTensors.gaussian(List.of(2L, 4L, 8L, 8L), 2.0, 12);
      EncodedTensor encoded = codec.encode(tensor);
      Tensor back = codec.decode(encoded);
      double measured = TestingTensors.maxAbsDifference(tensor, back);
      assertThat(encoded.error().maxAbsError()).as(codec.name()).isEqualTo(measured);
      assertThat(encoded.error().relativeError()).as(codec.name())
          .isEqualTo(measured / TestingTensors.maxMagnitude(tensor));
      assertThat(encoded.payloadBytes()).isEqualTo(tensor.byteSize() / 4);
    }
  }

  @Test
  void encode_perTensor_errorIsAboutHalfAStep() {
    Tensor tensor = TestingTensors.gaussian(List.of(1000L), 1.0, 13);
    EncodedTensor encoded = perTensor.encode(tensor);
    float step = encoded.scales()[0];
    assertThat(encoded.scales()).hasSize(1);
    assertThat(encoded.error().maxAbsError()).isPositive().isLessThanOrEqualTo(step * 0.5 * (1 + 1e-5));
  }

  @Test
  void decode_zeros_stayExactlyZero() {
    float[] values = {0f, 3f, 0f, -1f, 0f, 2.5f};
    float[] decoded = perTensor.decode(perTensor.encode(Tensor.ofFloats(List.of(6L), values))).toFloatArray();
    assertThat(decoded[0]).isZero();
    assertThat(decoded[2]).isZero();
    assertThat(decoded[4]).isZero();
  }

  @Test
  void encode_allZeros_isExact() {
    EncodedTensor encoded = perChannel.encode(Tensor.ofFloats(List.of(1L, 3L, 2L), new float[6]));
    assertThat(encoded.error()).isEqualTo(CodecError.NONE);
    assertThat(perChannel.decode(encoded).toFloatArray()).containsOnly(0f);
  }

  @Test
  void encode_channelsOfVeryDifferentRanges_perChannelIsFarMoreAccurate() {
    Tensor tensor = channelsOfVeryDifferentRanges();
    EncodedTensor channel = perChannel.encode(tensor);
    EncodedTensor whole = perTensor.encode(tensor);
    assertThat(channel.scales()).hasSize(5);
    assertThat(channel.error().maxAbsError()).isLessThanOrEqualTo(whole.error().maxAbsError());
    // The narrowest channel is where it shows: per tensor, a step of ~0.8 wipes out values within 0.01.
    float[] original = tensor.toFloatArray();
    float[] byChannel = perChannel.decode(channel).toFloatArray();
    float[] byTensor = perTensor.decode(whole).toFloatArray();
    double channelError = 0;
    double tensorError = 0;
    for (int i = 0; i < 36; i++) {
      channelError = Math.max(channelError, Math.abs(original[i] - byChannel[i]));
      tensorError = Math.max(tensorError, Math.abs(original[i] - byTensor[i]));
    }
    assertThat(channelError).isLessThan(0.01 / 100);
    assertThat(tensorError).isGreaterThan(0.005);
  }

  @Test
  void encode_perChannelOnRankOne_isRefused() {
    Tensor vector = TestingTensors.gaussian(List.of(10L), 1, 1);
    assertThat(perChannel.supports(vector)).isFalse();
    assertThatThrownBy(() -> perChannel.encode(vector))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("int8-channel quantises per channel of axis 1 and needs rank 2 or more, got shape [10]");
  }

  @Test
  void encode_nonFiniteValue_isRefusedNamingIt() {
    Tensor tensor = Tensor.ofFloats(List.of(3L), new float[] {1f, Float.NaN, 2f});
    assertThat(perTensor.supports(tensor)).isFalse();
    assertThatThrownBy(() -> perTensor.encode(tensor))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("int8 cannot represent NaN (element 1 of Tensor[float32 [3]]); send it as float16, raw or lz4");
  }

  @Test
  void encode_nonFloatTensors_areRefused() {
    for (DataType type : List.of(DataType.UINT8, DataType.INT64, DataType.BOOL)) {
      Tensor tensor = TestingTensors.random(type, List.of(2L, 2L), 1);
      assertThat(perTensor.supports(tensor)).isFalse();
      assertThatThrownBy(() -> perChannel.encode(tensor))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("int8-channel encodes float32 tensors only, not " + type.label() + " [2, 2]; send it raw or lz4");
    }
  }

  @Test
  void decode_emptyTensor_givesAnEmptyTensor() {
    Tensor empty = Tensor.ofFloats(List.of(0L, 3L, 4L), new float[0]);
    Tensor back = perChannel.decode(perChannel.encode(empty));
    assertThat(back.shape()).isEqualTo(List.of(0L, 3L, 4L));
    assertThat(back.byteSize()).isZero();
  }
}
