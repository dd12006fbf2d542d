package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.ByteBufferInput;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class ReceiveBuffersTest {
  private static final WireCodec RAW = WireCodecs.byName("raw");

  private static Tensor floats(int count, long seed) {
    Random random = new Random(seed);
    float[] values = new float[count];
    for (int i = 0; i < count; i++) {
      values[i] = random.nextFloat();
    }
    return Tensor.ofFloats(List.of(1L, (long) count), values);
  }

  private static byte[] serialize(Kryo kryo, EncodedTensor encoded) {
    Output output = new Output(1024, -1);
    kryo.writeObject(output, encoded);
    return output.toBytes();
  }

  @Test
  void take_roundsUpToAPowerOfTwo_andGiveBackMakesTheNextTakeReuseIt() {
    ReceiveBuffers pool = new ReceiveBuffers(1 << 20);
    byte[] first = pool.take(100_000);
    assertThat(first).hasSize(131_072);
    pool.giveBack(first);
    assertThat(pool.idleBytes()).isEqualTo(131_072);

    assertThat(pool.take(70_000)).isSameAs(first);
    assertThat(pool.idleBytes()).isZero();
    assertThat(pool.reusedCount()).isEqualTo(1);
    assertThat(pool.allocatedCount()).isEqualTo(1);
  }

  @Test
  void take_smallPayloadsAndANoPool_areNotPooled() {
    assertThat(new ReceiveBuffers(1 << 20).take(ReceiveBuffers.MIN_POOLED_BYTES - 1)).isNull();
    assertThat(ReceiveBuffers.none().take(1 << 20)).isNull();
  }

  @Test
  void giveBack_beyondTheBound_leavesTheArrayToTheCollector() {
    ReceiveBuffers pool = new ReceiveBuffers(200_000);
    byte[] first = pool.take(100_000);
    byte[] second = pool.take(100_000);
    pool.giveBack(first);
    pool.giveBack(second);
    assertThat(pool.idleBytes()).isEqualTo(131_072);
    assertThat(pool.take(100_000)).isSameAs(first);
    assertThat(pool.take(100_000)).isNotSameAs(second);
  }

  @Test
  void giveBack_anArrayOfAnotherSize_isRefused() {
    assertThatThrownBy(() -> new ReceiveBuffers(1 << 20).giveBack(new byte[100_000]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("did not come from this pool");
    assertThatThrownBy(() -> new ReceiveBuffers(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxIdleBytes");
  }

  @Test
  void pooledRead_decodesExactly_andReleaseLetsTheNextMessageReuseTheArray() {
    ReceiveBuffers pool = new ReceiveBuffers(1 << 20);
    Kryo kryo = TensorKryo.newKryo(TensorKryo.DEFAULT_MAX_TENSOR_BYTES, pool);
    Tensor first = floats(25_000, 1);
    Tensor second = floats(25_000, 2);

    EncodedTensor received = kryo.readObject(new Input(serialize(kryo, RAW.encode(first))), EncodedTensor.class);
    assertThat(RAW.decode(received).data()).isEqualTo(first.data());
    assertThat(received.release(List.of())).isTrue();
    assertThat(received.release(List.of())).as("a second release").isFalse();

    // Artery hands the serializer a ByteBuffer; the pooled array must work for that input as well.
    ByteBuffer wire = ByteBuffer.wrap(serialize(kryo, RAW.encode(second)));
    EncodedTensor next = kryo.readObject(new ByteBufferInput(wire), EncodedTensor.class);
    assertThat(RAW.decode(next).data()).isEqualTo(second.data());
    assertThat(pool.reusedCount()).isEqualTo(1);
  }

  @Test
  void release_whileADecodedTensorStillSharesTheMemory_keepsTheArray() {
    ReceiveBuffers pool = new ReceiveBuffers(1 << 20);
    Kryo kryo = TensorKryo.newKryo(TensorKryo.DEFAULT_MAX_TENSOR_BYTES, pool);
    Tensor original = floats(25_000, 3);
    EncodedTensor received = kryo.readObject(new Input(serialize(kryo, RAW.encode(original))), EncodedTensor.class);
    Tensor passedOn = RAW.decode(received);

    assertThat(received.release(List.of(floats(10, 4), passedOn))).isFalse();
    assertThat(pool.idleBytes()).isZero();
    assertThat(passedOn.data()).isEqualTo(original.data());
  }

  @Test
  void released_encodingRefusesToBeRead() {
    ReceiveBuffers pool = new ReceiveBuffers(1 << 20);
    Kryo kryo = TensorKryo.newKryo(TensorKryo.DEFAULT_MAX_TENSOR_BYTES, pool);
    EncodedTensor received = kryo.readObject(new Input(serialize(kryo, RAW.encode(floats(25_000, 5)))),
        EncodedTensor.class);
    received.release(List.of());

    assertThatThrownBy(received::payload).isInstanceOf(IllegalStateException.class).hasMessageContaining("released");
    assertThatThrownBy(() -> RAW.decode(received)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void release_ofAnEncodingThatOwnsItsMemory_doesNothing() {
    EncodedTensor local = RAW.encode(floats(25_000, 6));
    assertThat(local.release(List.of())).isFalse();
    assertThat(RAW.decode(local).byteSize()).isEqualTo(100_000);
    Tensor tiny = Tensor.of(DataType.UINT8, List.of(4L), ByteBuffer.wrap(new byte[4]));
    assertThat(tiny.isBackedBy(new byte[4])).isFalse();
  }
}
