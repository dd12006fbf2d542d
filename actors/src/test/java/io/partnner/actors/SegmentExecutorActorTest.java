package io.partnner.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnner.runtime.exec.DeviceProfile;
import io.partnner.runtime.exec.ExecutorSettings;
import io.partnner.actors.wire.TensorMessageSerializer;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.time.Ticker;
import io.partnner.runtime.wire.BulkAck;
import io.partnner.runtime.wire.BulkExchange;
import io.partnner.runtime.wire.BulkInbox;
import io.partnner.runtime.wire.BulkReceiver;
import io.partnner.runtime.wire.BulkRefusedException;
import io.partnner.runtime.wire.BulkReply;
import io.partnner.runtime.wire.BulkRequest;
import io.partnner.runtime.wire.BulkSender;
import io.partnner.runtime.wire.EncodedTensor;
import io.partnner.runtime.wire.ReceiveBuffers;
import io.partnner.runtime.wire.WireCodecs;
import java.util.List;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The executor actor: runs ranges off the actor thread, acknowledges, reports load, refuses bad requests. */
class SegmentExecutorActorTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @AfterAll
  static void down() {
    testKit.shutdownTestKit();
  }

  private static ActorRef<SegmentExecutorActor.Command> executor(TestingModel model, int capacity) {
    return executor(model, capacity, Optional.empty());
  }

  private static ActorRef<SegmentExecutorActor.Command> executor(TestingModel model, int capacity,
      Optional<BulkReceiver> lane) {
    return testKit.spawn(SegmentExecutorActor.create("cloud-1", model.profile(),
        model.newExecutor(DeviceProfile.NATIVE, ExecutorSettings.defaults()), capacity, 0.5, true, lane));
  }

  /** A node's bulk lane. */
  private static BulkReceiver lane() {
    BulkInbox inbox = new BulkInbox(1 << 20, 16, Duration.ofSeconds(60), Ticker.system());
    return new BulkReceiver("127.0.0.1", 0, inbox, Duration.ofSeconds(10), 1 << 20, 1 << 20);
  }

  private static BulkSender sender() {
    return new BulkSender(1 << 20, Duration.ofSeconds(5), Duration.ofSeconds(10), 1 << 20, new Random(1),
        Ticker.system());
  }

  /** Why the request sent on the lane was refused there. */
  private static String refusal(java.util.concurrent.CompletableFuture<?> stage) throws Exception {
    try {
      stage.get(30, TimeUnit.SECONDS);
      throw new AssertionError("not refused");
    } catch (java.util.concurrent.ExecutionException failed) {
      assertThat(failed.getCause()).isInstanceOf(BulkRefusedException.class);
      return failed.getCause().getMessage();
    }
  }

  private static Map<String, EncodedTensor> raw(String name, float... values) {
    return Map.of(name, WireCodecs.byName("raw").encode(TestingModel.input(values)));
  }

  @Test
  void runsTheTailAcknowledgesAndTimesEachBlock() {
    TestingModel model = new TestingModel("tiny", 0);
    ActorRef<SegmentExecutorActor.Command> executor = executor(model, 4);
    TestProbe<SegmentExecutorActor.Reply> replies = testKit.createTestProbe();
    executor.tell(new SegmentExecutorActor.Run(1, model.profile().contentHash(), 1, 3, "raw",
        raw("h1", 2, 3, 4, 5), replies.getRef()));
    SegmentExecutorActor.Received received = replies.expectMessageClass(SegmentExecutorActor.Received.class);
    assertThat(received.requestId()).isEqualTo(1);
    assertThat(received.queueLength()).isEqualTo(1);
    SegmentExecutorActor.Done done = replies.expectMessageClass(SegmentExecutorActor.Done.class);
    assertThat(done.blockNanos()).hasSize(2);
    assertThat(WireCodecs.decode(done.outputs().get("y")).toFloatArray()).containsExactly(7, 9, 11, 13);
    assertThat(done.queueLength()).isZero();
    assertThat(done.meanServiceNanos()).isPositive();
  }

  @Test
  void givesReceivedPayloadsBackToTheSerializersPoolAfterTheRun() throws Exception {
    // serialize-messages is on: the Run reaches the executor through TensorMessageSerializer, which reads
    // crossings of 16 KB and more into pooled arrays.
    int width = 8192;
    TestingModel model = new TestingModel("wide", 0, width);
    ActorRef<SegmentExecutorActor.Command> executor = executor(model, 4);
    TestProbe<SegmentExecutorActor.Reply> replies = testKit.createTestProbe();
    ReceiveBuffers pool = ((TensorMessageSerializer) SerializationExtension.get(Adapter.toClassic(testKit.system()))
        .serializerFor(SegmentExecutorActor.Run.class)).receiveBuffers();
    float[] values = new float[width];
    java.util.Arrays.fill(values, 1.5f);
    long reusedBefore = pool.reusedCount();

    for (int id = 20; id < 23; id++) {
      executor.tell(new SegmentExecutorActor.Run(id, model.profile().contentHash(), 1, 3, "raw",
          Map.of("h1", WireCodecs.byName("raw").encode(Tensor.ofFloats(List.of(1L, (long) width), values))),
          replies.getRef()));
      replies.expectMessageClass(SegmentExecutorActor.Received.class);
      SegmentExecutorActor.Done done = replies.expectMessageClass(SegmentExecutorActor.Done.class);
      assertThat(WireCodecs.decode(done.outputs().get("y")).toFloatArray()[width - 1]).isEqualTo(6f);
    }
    // Each run gives its input's array back before its Done is sent, and the Done's own payload (same size)
    // is then read into that array: one reuse per run. Without the executor giving arrays back, none.
    assertThat(pool.reusedCount() - reusedBefore).isGreaterThanOrEqualTo(3);

  }

  @Test
  void encodesTheCrossingWithTheRequestedCodec() {
    TestingModel model = new TestingModel("tiny", 0);
    ActorRef<SegmentExecutorActor.Command> executor = executor(model, 4);
    TestProbe<SegmentExecutorActor.Reply> replies = testKit.createTestProbe();
    executor.tell(new SegmentExecutorActor.Run(2, model.profile().contentHash(), 0, 2, "float16",
        raw("x", 0, 1, 2, 3), replies.getRef()));
    replies.expectMessageClass(SegmentExecutorActor.Received.class);
    SegmentExecutorActor.Done done = replies.expectMessageClass(SegmentExecutorActor.Done.class);
    assertThat(done.outputs().get("h2").codec()).isEqualTo("float16");
    assertThat(WireCodecs.decode(done.outputs().get("h2")).toFloatArray()).containsExactly(2, 4, 6, 8);
  }

  @Test
  void refusesAnUnknownModelHashOrBadCutsOrWrongInputNamingTheProblem() {
    TestingModel model = new TestingModel("tiny", 0);
    ActorRef<SegmentExecutorActor.Command> executor = executor(model, 4);
    TestProbe<SegmentExecutorActor.Reply> replies = testKit.createTestProbe();
    executor.tell(new SegmentExecutorActor.Run(3, "00".repeat(32), 1, 3, "raw", raw("h1", 1, 1, 1, 1), replies.getRef()));
    assertThat(replies.expectMessageClass(SegmentExecutorActor.Failed.class).reason())
        .contains("unknown model hash " + "00".repeat(32)).contains("tiny");
    executor.tell(new SegmentExecutorActor.Run(4, model.profile().contentHash(), 2, 9, "raw", raw("h2", 1, 1, 1, 1),
        replies.getRef()));
    assertThat(replies.expectMessageClass(SegmentExecutorActor.Failed.class).reason()).contains("out of range");
    executor.tell(new SegmentExecutorActor.Run(5, model.profile().contentHash(), 1, 3, "raw", raw("h2", 1, 1, 1, 1),
        replies.getRef()));
    assertThat(replies.expectMessageClass(SegmentExecutorActor.Failed.class).reason())
        .contains("input 'h1' for cut 1 is missing");
    executor.tell(new SegmentExecutorActor.Run(6, model.profile().contentHash(), 1, 3, "zip", raw("h1", 1, 1, 1, 1),
        replies.getRef()));
    assertThat(replies.expectMessageClass(SegmentExecutorActor.Failed.class).reason()).contains("unknown wire codec 'zip'");
    // Still serving after all that.
    executor.tell(new SegmentExecutorActor.Run(7, model.profile().contentHash(), 2, 3, "raw", raw("h2", 1, 1, 1, 1),
        replies.getRef()));
    replies.expectMessageClass(SegmentExecutorActor.Received.class);
    assertThat(replies.expectMessageClass(SegmentExecutorActor.Done.class).requestId()).isEqualTo(7);
  }

  @Test
  void aFullQueueRefusesWithAnOverloadErrorAndLoadReportsCountTheQueue() {
    TestingModel model = new TestingModel("slow", 200_000);
    ActorRef<SegmentExecutorActor.Command> executor = executor(model, 2);
    TestProbe<SegmentExecutorActor.Reply> replies = testKit.createTestProbe();
    for (int id = 1; id <= 3; id++) {
      executor.tell(new SegmentExecutorActor.Run(id, model.profile().contentHash(), 2, 3, "raw",
          raw("h2", 1, 1, 1, 1), replies.getRef()));
    }
    TestProbe<SegmentExecutorActor.LoadReport> loads = testKit.createTestProbe();
    executor.tell(new SegmentExecutorActor.GetLoad(loads.getRef()));
    assertThat(loads.receiveMessage().queueLength()).isEqualTo(2);
    assertThat(replies.expectMessageClass(SegmentExecutorActor.Received.class).requestId()).isEqualTo(1);
    assertThat(replies.expectMessageClass(SegmentExecutorActor.Received.class).requestId()).isEqualTo(2);
    SegmentExecutorActor.Failed refused = replies.expectMessageClass(SegmentExecutorActor.Failed.class);
    assertThat(refused.overloaded()).isTrue();
    assertThat(refused.requestId()).isEqualTo(3);
    assertThat(refused.reason()).contains("overloaded").contains("queue-capacity = 2");
    assertThat(replies.expectMessageClass(SegmentExecutorActor.Done.class).requestId()).isEqualTo(1);
    SegmentExecutorActor.Done second = replies.expectMessageClass(SegmentExecutorActor.Done.class);
    assertThat(second.requestId()).isEqualTo(2);
    // The second waited for the first, which took at least its block's 200 ms.
    assertThat(second.queueNanos()).isGreaterThanOrEqualTo(150_000_000L);
  }

  @Test
  void aRequestOnTheLane_isHandedOverByTheLane_runAndAnsweredOnTheLane() throws Exception {
    TestingModel model = new TestingModel("tiny", 0);
    try (BulkReceiver lane = lane(); BulkSender sender = sender()) {
      ActorRef<SegmentExecutorActor.Command> executor = executor(model, 4, Optional.of(lane));
      TestProbe<SegmentExecutorActor.Reply> replies = testKit.createTestProbe();
      executor.tell(new SegmentExecutorActor.GetLane(replies.getRef()));
      assertThat(replies.expectMessageClass(SegmentExecutorActor.Lane.class))
          .isEqualTo(new SegmentExecutorActor.Lane("cloud-1", lane.endpoint()));
      // Registered once the executor has started: the GetLane answer says it has.
      BulkExchange exchange = sender.send(lane.endpoint(), sender.newToken(),
          new BulkRequest(1, model.profile().contentHash(), 1, 3, "raw"), raw("h1", 2, 3, 4, 5));
      BulkAck ack = exchange.acknowledged().get(30, TimeUnit.SECONDS);
      assertThat(ack.queueLength()).isEqualTo(1);
      BulkReply reply = exchange.replied().get(30, TimeUnit.SECONDS);
      SegmentExecutorActor.Done done = LaneReplies.done(reply.note(), reply.tensors());
      assertThat(done.requestId()).isEqualTo(1);
      assertThat(done.executorId()).isEqualTo("cloud-1");
      assertThat(done.blockNanos()).hasSize(2);
      assertThat(WireCodecs.decode(done.outputs().get("y")).toFloatArray()).containsExactly(7, 9, 11, 13);
      assertThat(lane.inbox().heldBytes()).isZero();
    }
  }

  @Test
  void aBadOrOverflowingRequestOnTheLane_isRefusedThereNamingWhy_andAStoppedExecutorsModelIsNoLongerServed()
      throws Exception {
    TestingModel model = new TestingModel("slow", 200_000);
    String hash = model.profile().contentHash();
    try (BulkReceiver lane = lane(); BulkSender sender = sender()) {
      ActorRef<SegmentExecutorActor.Command> executor = executor(model, 1, Optional.of(lane));
      TestProbe<SegmentExecutorActor.Reply> replies = testKit.createTestProbe();
      executor.tell(new SegmentExecutorActor.GetLane(replies.getRef()));
      replies.expectMessageClass(SegmentExecutorActor.Lane.class);
      BulkExchange missing = sender.send(lane.endpoint(), sender.newToken(), new BulkRequest(1, hash, 1, 3, "raw"),
          raw("h2", 1, 1, 1, 1));
      assertThat(refusal(missing.replied())).isEqualTo("input 'h1' for cut 1 is missing");
      BulkExchange zip = sender.send(lane.endpoint(), sender.newToken(), new BulkRequest(2, hash, 1, 3, "zip"),
          raw("h1", 1, 1, 1, 1));
      assertThat(refusal(zip.acknowledged())).contains("unknown wire codec 'zip'");
      BulkExchange first = sender.send(lane.endpoint(), sender.newToken(), new BulkRequest(3, hash, 2, 3, "raw"),
          raw("h2", 1, 1, 1, 1));
      first.acknowledged().get(30, TimeUnit.SECONDS);
      BulkExchange second = sender.send(lane.endpoint(), sender.newToken(), new BulkRequest(4, hash, 2, 3, "raw"),
          raw("h2", 1, 1, 1, 1));
      assertThat(refusal(second.replied())).isEqualTo("executor cloud-1 is overloaded: 1 requests queued "
          + "(partnner.executor.queue-capacity = 1)");
      assertThat(LaneReplies.done(first.replied().get(30, TimeUnit.SECONDS).note(), Map.of()).requestId()).isEqualTo(3);
      assertThat(lane.inbox().heldBytes()).isZero();
      testKit.stop(executor);
      BulkExchange gone = sender.send(lane.endpoint(), sender.newToken(), new BulkRequest(5, hash, 2, 3, "raw"),
          raw("h2", 1, 1, 1, 1));
      assertThat(refusal(gone.replied())).isEqualTo("bulk lane " + lane.endpoint() + ": no executor on this node "
          + "serves model " + hash + " (request 5)");
    }
  }

  @Test
  void answersProbesAtOnce() {
    TestingModel model = new TestingModel("tiny", 0);
    ActorRef<SegmentExecutorActor.Command> executor = executor(model, 4);
    TestProbe<SegmentExecutorActor.Reply> replies = testKit.createTestProbe();
    executor.tell(new SegmentExecutorActor.ProbeUp(1, 1, new byte[5000], replies.getRef()));
    assertThat(replies.expectMessageClass(SegmentExecutorActor.ProbeAck.class).part()).isEqualTo(1);
    executor.tell(new SegmentExecutorActor.ProbeDown(2, 64, 8192, replies.getRef()));
    assertThat(replies.expectMessageClass(SegmentExecutorActor.ProbePayload.class).padding()).hasSize(64);
    assertThat(replies.expectMessageClass(SegmentExecutorActor.ProbePayload.class).padding()).hasSize(8192);
    executor.tell(new SegmentExecutorActor.ProbeDown(3, 64, Integer.MAX_VALUE, replies.getRef()));
    replies.expectNoMessage(java.time.Duration.ofMillis(200));
  }
}
