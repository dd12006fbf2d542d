package io.partnner.actors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.actors.wire.TensorMessageSerializer;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.wire.EncodedTensor;
import io.partnner.runtime.wire.WireCodecs;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Every cross-node message survives its serializer; malformed tensor messages are refused with the reason. */
class WireMessagesTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void down() {
    testKit.shutdownTestKit();
  }

  private static <T> T roundTrip(T message) {
    return testKit.serializationTestKit().verifySerialization(message, false);
  }

  private static EncodedTensor encoded(String codec, float... values) {
    return WireCodecs.byName(codec).encode(TestingModel.input(values));
  }

  @Test
  void runKeepsTensorsAndReplyAddress() {
    TestProbe<SegmentExecutorActor.Reply> probe = testKit.createTestProbe();
    SegmentExecutorActor.Run run = new SegmentExecutorActor.Run(7, "ab".repeat(32), 1, 3, "float16",
        Map.of("h1", encoded("float16", 1, 2, 3, 4), "x", encoded("raw", 5, 6, 7, 8)), probe.getRef());
    SegmentExecutorActor.Run back = roundTrip(run);
    assertThat(back.requestId()).isEqualTo(7);
    assertThat(back.modelHash()).isEqualTo(run.modelHash());
    assertThat(back.fromCut()).isEqualTo(1);
    assertThat(back.toCut()).isEqualTo(3);
    assertThat(back.outputCodec()).isEqualTo("float16");
    assertThat(back.replyTo()).isEqualTo(probe.getRef());
    assertThat(WireCodecs.decode(back.inputs().get("h1")).toFloatArray()).containsExactly(1, 2, 3, 4);
    assertThat(back.inputs().get("h1").codec()).isEqualTo("float16");
    assertThat(WireCodecs.decode(back.inputs().get("x")).toFloatArray()).containsExactly(5, 6, 7, 8);
  }

  @Test
  void doneKeepsOutputsTimesAndLoad() {
    SegmentExecutorActor.Done done = new SegmentExecutorActor.Done(9, "cloud-a", 2, 3,
        Map.of("y", encoded("raw", 9, 8, 7, 6)), List.of(11L, 12L), 100, 200, 30, 4, 5000);
    SegmentExecutorActor.Done back = roundTrip(done);
    assertThat(back.requestId()).isEqualTo(9);
    assertThat(back.executorId()).isEqualTo("cloud-a");
    assertThat(back.fromCut()).isEqualTo(2);
    assertThat(back.toCut()).isEqualTo(3);
    assertThat(back.blockNanos()).containsExactly(11L, 12L);
    assertThat(List.of(back.queueNanos(), back.serviceNanos(), back.encodeNanos(), back.meanServiceNanos()))
        .containsExactly(100L, 200L, 30L, 5000L);
    assertThat(back.queueLength()).isEqualTo(4);
    assertThat(WireCodecs.decode(back.outputs().get("y")).toFloatArray()).containsExactly(9, 8, 7, 6);
  }

  @Test
  void probesKeepTheirPayloadSize() {
    TestProbe<SegmentExecutorActor.Reply> probe = testKit.createTestProbe();
    SegmentExecutorActor.ProbeUp up = roundTrip(new SegmentExecutorActor.ProbeUp(3, 1, new byte[70_000], probe.getRef()));
    assertThat(up.padding()).hasSize(70_000);
    assertThat(up.replyTo()).isEqualTo(probe.getRef());
    assertThat(List.of(up.probeId(), (long) up.part())).containsExactly(3L, 1L);
    SegmentExecutorActor.ProbePayload payload = roundTrip(new SegmentExecutorActor.ProbePayload(4, 0, new byte[64]));
    assertThat(payload.padding()).hasSize(64);
    assertThat(payload.probeId()).isEqualTo(4);
  }

  @Test
  void controlMessagesRoundTripAsCbor() {
    TestProbe<SegmentExecutorActor.Reply> replies = testKit.createTestProbe();
    TestProbe<SegmentExecutorActor.LoadReport> loads = testKit.createTestProbe();
    TestProbe<ModelSource.Command> source = testKit.createTestProbe();
    TestProbe<ModelSource.Reply> chunks = testKit.createTestProbe();
    TestProbe<CloudHost.Served> served = testKit.createTestProbe();
    List<Object> equal = List.of(
        new SegmentExecutorActor.GetLoad(loads.getRef()),
        new SegmentExecutorActor.ProbeDown(5, 64, 4096, replies.getRef()),
        new SegmentExecutorActor.GetLane(replies.getRef()),
        new SegmentExecutorActor.Lane("cloud-b", "10.0.0.7:41234"),
        new SegmentExecutorActor.Received(6, "cloud-b", 2, 1000),
        new SegmentExecutorActor.Failed(6, "cloud-b", "overloaded", true),
        new SegmentExecutorActor.ProbeAck(5, 1),
        new SegmentExecutorActor.LoadReport("cloud-b", 3, 2000),
        new ModelSource.FetchChunk("cd".repeat(32), 2, chunks.getRef()),
        new ModelSource.NoSuchModel("cd".repeat(32), "unknown model hash"),
        new CloudHost.Provide("resnet", "ef".repeat(32), 1234, Map.of("x", List.of(1L, 3L, 224L, 224L)), source.getRef()),
        new CloudHost.GetServed(served.getRef()),
        new CloudHost.Served(List.of("ef".repeat(32))));
    for (Object message : equal) {
      assertThat((Object) testKit.serializationTestKit().verifySerialization(message, true)).isEqualTo(message);
      assertThat(serializerOf(message)).isEqualTo("jackson-cbor");
    }
    ModelSource.Chunk chunk = roundTrip(new ModelSource.Chunk("cd".repeat(32), 1, 3, 500, new byte[] {1, 2, 3}));
    assertThat(chunk.data()).containsExactly(1, 2, 3);
    assertThat(List.of(chunk.index(), chunk.count())).containsExactly(1, 3);
  }

  @Test
  void tensorMessagesUseKryo() {
    TestProbe<SegmentExecutorActor.Reply> probe = testKit.createTestProbe();
    assertThat(serializerOf(new SegmentExecutorActor.ProbeUp(1, 0, new byte[1], probe.getRef())))
        .isEqualTo(TensorMessageSerializer.class.getName());
  }

  @Test
  void malformedTensorMessagesAreRefusedWithTheReason() {
    TensorMessageSerializer serializer = serializer();
    byte[] good = serializer.toBinary(new SegmentExecutorActor.ProbePayload(1, 0, new byte[100]));
    byte[] truncated = java.util.Arrays.copyOf(good, 50);
    assertThatThrownBy(() -> serializer.fromBinary(truncated, "probe-payload"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("probe-payload")
        .hasMessageContaining("claims 100 bytes");
    byte[] huge = good.clone();
    ByteBuffer.wrap(huge).putInt(12, Integer.MAX_VALUE - 100);
    assertThatThrownBy(() -> serializer.fromBinary(huge, "probe-payload"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("outside");
    assertThatThrownBy(() -> serializer.fromBinary(good, "launch-missiles"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("unknown tensor message manifest 'launch-missiles'");
    byte[] run = serializer.toBinary(new SegmentExecutorActor.Done(1, "e", 0, 1,
        Map.of("y", encoded("raw", 1, 2, 3, 4)), List.of(1L), 0, 0, 0, 0, 0));
    assertThatThrownBy(() -> serializer.fromBinary(java.util.Arrays.copyOf(run, run.length - 30), "done"))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("malformed tensor message 'done'");
  }

  @Test
  void writesIntoArteryBuffersAndReportsOverflowAsArteryExpects() {
    TensorMessageSerializer serializer = serializer();
    SegmentExecutorActor.ProbePayload payload = new SegmentExecutorActor.ProbePayload(2, 1, new byte[1000]);
    ByteBuffer buffer = ByteBuffer.allocateDirect(4096).order(ByteOrder.LITTLE_ENDIAN);
    buffer.position(10);
    serializer.toBinary(payload, buffer);
    assertThat(buffer.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    int end = buffer.position();
    assertThat(end - 10).isEqualTo(serializer.toBinary(payload).length);
    buffer.flip().position(10);
    SegmentExecutorActor.ProbePayload back = (SegmentExecutorActor.ProbePayload) unchecked(() ->
        serializer.fromBinary(buffer, "probe-payload"));
    assertThat(back.padding()).hasSize(1000);
    ByteBuffer small = ByteBuffer.allocate(100);
    assertThatThrownBy(() -> serializer.toBinary(payload, small)).isInstanceOf(java.nio.BufferOverflowException.class);
  }

  private static TensorMessageSerializer serializer() {
    return (TensorMessageSerializer) SerializationExtension.get(Adapter.toClassic(testKit.system()))
        .findSerializerFor(new SegmentExecutorActor.ProbePayload(0, 0, new byte[0]));
  }

  private static String serializerOf(Object message) {
    org.apache.pekko.serialization.Serializer serializer =
        SerializationExtension.get(Adapter.toClassic(testKit.system())).findSerializerFor(message);
    ExtendedActorSystem system = (ExtendedActorSystem) Adapter.toClassic(testKit.system());
    String name = system.settings().config().getConfig("pekko.actor.serializers").root().entrySet().stream()
        .filter(entry -> entry.getValue().unwrapped().equals(serializer.getClass().getName()))
        .map(java.util.Map.Entry::getKey).findFirst().orElse(serializer.getClass().getName());
    return name.equals("partnner-tensor") ? TensorMessageSerializer.class.getName() : name;
  }

  private interface Failing<T> {
    T get() throws Exception;
  }

  private static <T> T unchecked(Failing<T> call) {
    try {
      return call.get();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

}
