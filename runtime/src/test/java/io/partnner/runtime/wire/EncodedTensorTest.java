package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

final class EncodedTensorTest {
  private static Tensor bytes(int count) {
    return Codecs.bytePayload(new byte[count], count);
  }

  @Test
  void scalesAndZeroPoints_areCopies() {
    EncodedTensor encoded = WireCodecs.byName("int8").encode(TestingTensors.gaussian(List.of(8L), 1, 1));
    encoded.scales()[0] = 42f;
    encoded.zeroPoints()[0] = 42;
    assertThat(encoded.scales()[0]).isNotEqualTo(42f);
    assertThat(encoded.zeroPoints()[0]).isNotEqualTo(42);
  }

  @Test
  void sizes_describeTheOriginalPayloadAndWire() {
    Tensor tensor = TestingTensors.gaussian(List.of(1L, 2L, 10L, 10L), 1, 2);
    EncodedTensor encoded = WireCodecs.byName("float16").encode(tensor);
    assertThat(encoded.originalBytes()).isEqualTo(800);
    assertThat(encoded.payloadBytes()).isEqualTo(400);
    assertThat(encoded.encodedBytes()).isEqualTo(TensorWire.toBytes(encoded).length);
    assertThat(encoded.compressionRatio()).isEqualTo(800.0 / encoded.encodedBytes());
    assertThat(encoded.payload().isReadOnly()).isTrue();
    assertThat(encoded).hasToString("EncodedTensor[float16 float32 [1, 2, 10, 10], " + encoded.encodedBytes()
        + " of 800 bytes]");
  }

  @Test
  void create_losslessCodecReportingAnError_isRejected() {
    assertThatThrownBy(() -> EncodedTensor.create(CodecKind.RAW, DataType.UINT8, List.of(4L), new float[0], new int[0],
        bytes(4), new CodecError(1, 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("raw encoding of uint8 [4] is lossless but reports error CodecError[maxAbsError=1.0, relativeError=1.0]");
  }

  @Test
  void create_lossyCodecOnNonFloat_isRejected() {
    assertThatThrownBy(() -> EncodedTensor.create(CodecKind.FLOAT16, DataType.INT32, List.of(4L), new float[0],
        new int[0], bytes(8), CodecError.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("float16 encoding of int32 [4]: float16 encodes float32 tensors only");
  }

  @Test
  void create_zeroPointOutsideInt8_isRejected() {
    assertThatThrownBy(() -> EncodedTensor.create(CodecKind.INT8, DataType.FLOAT32, List.of(4L), new float[] {1f},
        new int[] {200}, bytes(4), CodecError.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("int8 encoding of float32 [4] has zero point 200 at 0, outside int8");
  }

  @Test
  void create_perChannelWithoutAChannelAxis_isRejected() {
    assertThatThrownBy(() -> EncodedTensor.create(CodecKind.INT8_CHANNEL, DataType.FLOAT32, List.of(4L), new float[0],
        new int[0], bytes(4), CodecError.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("int8-channel encoding of float32 [4] needs a channel axis (rank 2 or more)");
  }

  @Test
  void create_payloadNotBytes_isRejected() {
    Tensor floats = Tensor.ofFloats(List.of(1L), new float[1]);
    assertThatThrownBy(() -> EncodedTensor.create(CodecKind.RAW, DataType.FLOAT32, List.of(1L), new float[0],
        new int[0], floats, CodecError.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("raw encoding of float32 [1] needs a 1-D uint8 payload, got Tensor[float32 [1]]");
  }
}
