package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.List;
import org.junit.jupiter.api.Test;

final class EncodedTensorSerializerTest {
  private final Kryo kryo = TensorKryo.newKryo();

  /** The fields of a valid raw float32 [2, 2] message, each changeable to make it wrong. */
  private static final class Fields {
    int version = 1;
    int codec = 0;
    int dtype = 1;
    long[] dims = {2, 2};
    long original = 16;
    double maxAbs = 0;
    double relative = 0;
    float[] scales = {};
    int[] zeroPoints = {};
    long claimedPayload = 16;
    int payload = 16;

    byte[] toBytes() {
      Output output = new Output(64, -1);
      output.writeByte(version);
      output.writeByte(codec);
      output.writeByte(dtype);
      output.writeVarInt(dims.length, true);
      for (long dim : dims) {
        output.writeVarLong(dim, true);
      }
      output.writeVarLong(original, true);
      output.writeDouble(maxAbs);
      output.writeDouble(relative);
      output.writeVarInt(scales.length, true);
      for (float scale : scales) {
        output.writeFloat(scale);
      }
      for (int zeroPoint : zeroPoints) {
        output.writeByte(zeroPoint);
      }
      output.writeVarLong(claimedPayload, true);
      output.writeBytes(new byte[payload]);
      return output.toBytes();
    }
  }

  private EncodedTensor read(Fields fields) {
    return kryo.readObject(new Input(fields.toBytes()), EncodedTensor.class);
  }

  @Test
  void read_validFields_makeAnEncoding() {
    EncodedTensor encoded = read(new Fields());
    assertThat(encoded.codec()).isEqualTo("raw");
    assertThat(encoded.shape()).isEqualTo(List.of(2L, 2L));
    assertThat(encoded.payloadBytes()).isEqualTo(16);
  }

  @Test
  void read_unknownCodecId_isRejected() {
    Fields fields = new Fields();
    fields.codec = 9;
    assertThatThrownBy(() -> read(fields))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("encoded tensor message has unknown codec id 9");
  }

  @Test
  void read_unknownDtype_isRejected() {
    Fields fields = new Fields();
    fields.dtype = 200;
    assertThatThrownBy(() -> read(fields)).hasMessage("encoded tensor message has unknown dtype code 200");
  }

  @Test
  void read_originalSizeNotMatchingTheShape_isRejected() {
    Fields fields = new Fields();
    fields.original = 12;
    assertThatThrownBy(() -> read(fields))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("encoded tensor message says the original has 12 bytes but a float32 tensor of shape [2, 2] has 16");
  }

  @Test
  void read_originalOverTheLimit_isRejectedBeforeDecoding() {
    Fields fields = new Fields();
    fields.codec = 4;
    fields.dims = new long[] {100_000_000};
    fields.original = 400_000_000;
    assertThatThrownBy(() -> read(fields))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("encoded tensor message decodes to 400000000 bytes, over the limit of 268435456");
  }

  @Test
  void read_negativeError_isRejected() {
    Fields fields = new Fields();
    fields.codec = 1;
    fields.maxAbs = -1;
    assertThatThrownBy(() -> read(fields))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("codec error must be non-negative");
  }

  @Test
  void read_wrongParameterCount_isRejectedBeforeReadingThem() {
    Fields fields = new Fields();
    fields.codec = 3;
    fields.scales = new float[] {1f};
    fields.zeroPoints = new int[] {0};
    assertThatThrownBy(() -> read(fields))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("encoded tensor message carries 1 quantisation parameters but int8-channel on shape [2, 2] needs 2");
  }

  @Test
  void read_payloadClaimingMoreThanRemains_failsFast() {
    Fields fields = new Fields();
    fields.claimedPayload = 1L << 40;
    assertThatThrownBy(() -> read(fields))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("encoded tensor message claims 1099511627776 payload bytes but only 16 remain");
  }

  @Test
  void read_payloadOfTheWrongSizeForTheCodec_isRejected() {
    Fields fields = new Fields();
    fields.claimedPayload = 12;
    fields.payload = 12;
    assertThatThrownBy(() -> read(fields))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("encoded tensor message: raw encoding of float32 [2, 2] needs a payload of 16 bytes, got 12");
  }

  @Test
  void read_lz4ClaimingAnImpossibleExpansion_isRejectedBeforeDecompressing() {
    Fields fields = new Fields();
    fields.codec = 4;
    fields.dims = new long[] {1_000_000};
    fields.original = 4_000_000;
    fields.claimedPayload = 100;
    fields.payload = 100;
    long before = TestingTensors.allocatedBytes();
    assertThatThrownBy(() -> read(fields))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("encoded tensor message: lz4 encoding of float32 [1000000]: an lz4 payload of 100 bytes"
            + " cannot decompress to 4000000 bytes");
    assertThat(TestingTensors.allocatedBytes() - before).isLessThan(64 * 1024);
  }

  @Test
  void read_scaleThatIsNotPositive_isRejected() {
    Fields fields = new Fields();
    fields.codec = 2;
    fields.scales = new float[] {0f};
    fields.zeroPoints = new int[] {0};
    fields.claimedPayload = 4;
    fields.payload = 4;
    assertThatThrownBy(() -> read(fields))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("encoded tensor message: int8 encoding of float32 [2, 2] has scale 0.0 at 0, not a positive number");
  }

  @Test
  void read_truncated_isRejected() {
    byte[] message = new Fields().toBytes();
    byte[] cut = java.util.Arrays.copyOf(message, 10);
    assertThatThrownBy(() -> kryo.readObject(new Input(cut), EncodedTensor.class))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("encoded tensor message is truncated: it ends before its header and payload do");
  }
}
