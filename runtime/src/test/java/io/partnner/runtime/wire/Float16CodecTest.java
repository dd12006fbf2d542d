package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

final class Float16CodecTest {
  private final Float16Codec codec = new Float16Codec();

  @Test
  void encode_gaussian_reportsExactlyTheMeasuredError() {
    Tensor tensor = TestingTensors.gaussian(List.of(1L, 8L, 16L, 16L), 3.0, 11);
    EncodedTensor encoded = codec.encode(tensor);
    Tensor back = codec.decode(encoded);
    double measured = TestingTensors.maxAbsDifference(tensor, back);
    assertThat(measured).isPositive();
    assertThat(encoded.error().maxAbsError()).isEqualTo(measured);
    assertThat(encoded.error().relativeError()).isEqualTo(measured / TestingTensors.maxMagnitude(tensor));
    // Round to nearest loses at most half an ulp of binary16: 2^-11 relative to the value's binade.
    assertThat(encoded.error().relativeError()).isLessThanOrEqualTo(0x1p-11);
    assertThat(encoded.payloadBytes()).isEqualTo(tensor.byteSize() / 2);
    assertThat(back.shape()).isEqualTo(tensor.shape());
  }

  @Test
  void decode_specialValues_keepTheirMeaning() {
    float[] values = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, -0f, 0x1p-24f, 65504f, -1.5f};
    Tensor back = codec.decode(codec.encode(Tensor.ofFloats(List.of(7L), values)));
    float[] decoded = back.toFloatArray();
    assertThat(decoded[0]).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(decoded[1]).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(decoded[2]).isNaN();
    assertThat(Float.floatToRawIntBits(decoded[3])).isEqualTo(Float.floatToRawIntBits(-0f));
    assertThat(decoded[4]).isEqualTo(0x1p-24f);
    assertThat(decoded[5]).isEqualTo(65504f);
    assertThat(decoded[6]).isEqualTo(-1.5f);
  }

  @Test
  void encode_specialValuesKept_reportsNoError() {
    float[] values = {Float.POSITIVE_INFINITY, Float.NaN, -0f, 1f};
    assertThat(codec.encode(Tensor.ofFloats(List.of(4L), values)).error()).isEqualTo(CodecError.NONE);
  }

  @Test
  void encode_valueBeyondTheHalfRange_reportsAnInfiniteError() {
    EncodedTensor encoded = codec.encode(Tensor.ofFloats(List.of(2L), new float[] {1f, 70000f}));
    assertThat(codec.decode(encoded).toFloatArray()[1]).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(encoded.error().maxAbsError()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(encoded.error().relativeError()).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void encode_nonFloatTensor_isRefusedNamingTheAlternatives() {
    Tensor ids = TestingTensors.random(DataType.INT64, List.of(4L), 1);
    assertThat(codec.supports(ids)).isFalse();
    assertThatThrownBy(() -> codec.encode(ids))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("float16 encodes float32 tensors only, not int64 [4]; send it raw or lz4");
  }
}
