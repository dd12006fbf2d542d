package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.time.TestingTicker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BulkLaneTest {
  private final TestingTicker ticker = new TestingTicker();

  private BulkServer server(long maxHeld) {
    return new BulkServer("127.0.0.1", maxHeld, Duration.ofSeconds(60), ticker, new Random(7));
  }

  @Test
  void aBundleCrossesOnceUnderItsToken() {
    Map<String, EncodedTensor> crossing = Map.of(
        "h", WireCodecs.byName("raw").encode(Tensor.ofFloats(List.of(1L, 3L), new float[] {1, 2, 3})),
        "g", WireCodecs.byName("float16").encode(Tensor.ofFloats(List.of(2L), new float[] {4, 5})));
    try (BulkServer server = server(1 << 20); BulkClient client = new BulkClient(1 << 20, Duration.ofSeconds(5))) {
      String token = server.offer(TensorBundle.toBytes(crossing));
      assertThat(token).matches("[0-9a-f]{32}");
      Map<String, EncodedTensor> back = TensorBundle.fromBytes(client.fetch(server.endpoint(), token));
      assertThat(WireCodecs.decode(back.get("h")).toFloatArray()).containsExactly(1, 2, 3);
      assertThat(WireCodecs.decode(back.get("g")).toFloatArray()).containsExactly(4, 5);
      assertThat(server.heldBytes()).isZero();
      // Once only; the same connection then serves the next token.
      assertThatThrownBy(() -> client.fetch(server.endpoint(), token)).isInstanceOf(WireFormatException.class)
          .hasMessageContaining("holds nothing under token " + token);
      String second = server.offer(new byte[] {9});
      assertThat(client.fetch(server.endpoint(), second)).containsExactly(9);
    }
  }

  @Test
  void expiredUnknownOversizedAndOverfullAreRefusedWithTheReason() {
    try (BulkServer server = server(100); BulkClient client = new BulkClient(10, Duration.ofSeconds(5))) {
      String old = server.offer(new byte[5]);
      ticker.advance(Duration.ofSeconds(61));
      assertThat(server.heldBytes()).isZero();
      assertThatThrownBy(() -> client.fetch(server.endpoint(), old)).hasMessageContaining("expired");
      String big = server.offer(new byte[50]);
      assertThatThrownBy(() -> client.fetch(server.endpoint(), big)).hasMessageContaining("over the limit 10");
      server.offer(new byte[60]);
      assertThatThrownBy(() -> server.offer(new byte[60])).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("bulk lane is full");
      assertThatThrownBy(() -> client.fetch(server.endpoint(), "xyz")).hasMessageContaining("not hex");
      assertThatThrownBy(() -> client.fetch("127.0.0.1:1", "00".repeat(16))).isInstanceOf(WireFormatException.class)
          .hasMessageContaining("bulk lane 127.0.0.1:1");
    }
  }

  @Test
  void aTruncatedOrLyingBundleIsRefused() {
    byte[] good = TensorBundle.toBytes(Map.of("h", WireCodecs.byName("raw").encode(
        Tensor.ofFloats(List.of(2L), new float[] {1, 2}))));
    assertThatThrownBy(() -> TensorBundle.fromBytes(java.util.Arrays.copyOf(good, good.length - 3)))
        .isInstanceOf(WireFormatException.class).hasMessageContaining("claims");
    byte[] lying = good.clone();
    java.nio.ByteBuffer.wrap(lying).putInt(0, 1_000_000);
    assertThatThrownBy(() -> TensorBundle.fromBytes(lying)).hasMessageContaining("outside 0..65536");
    assertThat(TensorBundle.fromBytes(TensorBundle.toBytes(Map.of()))).isEmpty();
  }
}
