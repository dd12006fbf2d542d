package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.time.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A bulk sender and receiver over loopback TCP. */
final class BulkLaneTest {
  private static final int MAX_TENSOR = 64 << 20;
  private static final String MODEL = "ab".repeat(32);

  /** The frames a receiver handed over for {@link #MODEL}, in arrival order. */
  private final BlockingQueue<BulkDelivery> delivered = new LinkedBlockingQueue<>();

  private BulkReceiver receiver(long maxHeld, Duration frameTimeout) {
    BulkInbox inbox = new BulkInbox(maxHeld, 64, Duration.ofSeconds(60), Ticker.system());
    BulkReceiver receiver = new BulkReceiver("127.0.0.1", 0, inbox, frameTimeout, MAX_TENSOR, 1L << 30);
    receiver.register(MODEL, delivered::add);
    return receiver;
  }

  private static BulkRequest request(long id) {
    return new BulkRequest(id, MODEL, 1, 3, "raw");
  }

  private BulkDelivery nextDelivery() throws InterruptedException {
    BulkDelivery delivery = delivered.poll(30, TimeUnit.SECONDS);
    assertThat(delivery).as("a frame handed over within 30 s").isNotNull();
    return delivery;
  }

  private static String refusal(CompletableFuture<?> stage) throws InterruptedException {
    try {
      stage.get(30, TimeUnit.SECONDS);
      throw new AssertionError("did not fail");
    } catch (ExecutionException failed) {
      assertThat(failed.getCause()).isInstanceOf(BulkRefusedException.class);
      return failed.getCause().getMessage();
    } catch (java.util.concurrent.TimeoutException late) {
      throw new AssertionError("neither completed nor failed within 30 s", late);
    }
  }

  /** Reads what the receiver sent back on a raw connection: a refusal's reason, then the end of the stream. */
  private static String refusalThenEnd(Socket socket, String token) throws Exception {
    socket.setSoTimeout(30_000);
    DataInputStream in = new DataInputStream(socket.getInputStream());
    assertThat(in.readInt()).isEqualTo(BulkFrame.REFUSAL_MAGIC);
    BulkFrame.Refusal refusal = BulkFrame.readRefusal(in);
    assertThat(refusal.token()).isEqualTo(token);
    return refusal.reason();
  }

  private static BulkSender sender(long maxQueued, Duration timeout) {
    return new BulkSender(maxQueued, timeout, timeout.multipliedBy(2), MAX_TENSOR, new Random(7), Ticker.system());
  }

  private static String failure(CompletableFuture<?> stage) throws InterruptedException {
    try {
      stage.get(30, TimeUnit.SECONDS);
      throw new AssertionError("did not fail");
    } catch (ExecutionException failed) {
      assertThat(failed.getCause()).isInstanceOf(WireFormatException.class);
      return failed.getCause().getMessage();
    } catch (java.util.concurrent.TimeoutException late) {
      throw new AssertionError("neither completed nor failed within 30 s", late);
    }
  }

  private static byte[] frame(String token, Map<String, EncodedTensor> tensors) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BulkFrame.write(bytes, token, request(1), tensors, MAX_TENSOR);
    return bytes.toByteArray();
  }

  /** Where a frame's header length is: after the magic, the token, the note's length and the note. */
  private static int headerLengthAt(byte[] frame) {
    return 4 + 16 + 4 + ByteBuffer.wrap(frame).getInt(4 + 16);
  }

  @Test
  void send_tensorsOfEveryCodec_arriveWholeUnderTheirTokenOverOneKeptConnection() throws Exception {
    Tensor big = TestingTensors.gaussian(List.of(1L, 8L, 256L, 256L), 1.0, 3);
    Map<String, EncodedTensor> crossing = new LinkedHashMap<>();
    crossing.put("big", WireCodecs.byName("raw").encode(big));
    crossing.put("half", WireCodecs.byName("float16").encode(TestingTensors.gaussian(List.of(2L, 3L), 1.0, 4)));
    crossing.put("q", WireCodecs.byName("int8-channel").encode(TestingTensors.gaussian(List.of(1L, 3L, 4L), 1.0, 5)));
    crossing.put("ids", WireCodecs.byName("raw").encode(TestingTensors.random(DataType.INT64, List.of(5L), 6)));
    crossing.put("empty", WireCodecs.byName("raw").encode(Tensor.ofFloats(List.of(0L), new float[0])));
    try (BulkReceiver receiver = receiver(1 << 30, Duration.ofSeconds(10));
        BulkSender sender = sender(1 << 30, Duration.ofSeconds(10))) {
      sender.warm(receiver.endpoint());
      for (int round = 0; round < 3; round++) {
        String token = sender.newToken();
        assertThat(token).matches("[0-9a-f]{32}");
        BulkExchange pushed = sender.send(receiver.endpoint(), token, request(round), crossing);
        BulkDelivery delivery = nextDelivery();
        assertThat(delivery.request()).isEqualTo(request(round));
        Map<String, EncodedTensor> back = delivery.tensors();
        assertThat(back.keySet()).containsExactlyElementsOf(crossing.keySet());
        for (String name : crossing.keySet()) {
          EncodedTensor sent = crossing.get(name);
          EncodedTensor got = back.get(name);
          assertThat(got.codec()).isEqualTo(sent.codec());
          assertThat(got.shape()).isEqualTo(sent.shape());
          assertThat(got.scales()).containsExactly(sent.scales());
          assertThat(got.zeroPoints()).containsExactly(sent.zeroPoints());
          assertThat(got.error()).isEqualTo(sent.error());
          assertThat(WireCodecs.decode(got).toByteArray()).isEqualTo(WireCodecs.decode(sent).toByteArray());
        }
        assertThat(pushed.acknowledged()).as("acknowledged only when the receiver says so").isNotDone();
        delivery.acknowledge(round, 1000L + round);
        assertThat(pushed.acknowledged().get(30, TimeUnit.SECONDS)).isEqualTo(new BulkAck(round, 1000L + round));
        assertThat(pushed.replied()).isNotDone();
        Map<String, EncodedTensor> answer = Map.of("y", crossing.get("half"), "big", crossing.get("big"));
        delivery.reply(new byte[] {7, (byte) round}, answer);
        BulkReply reply = pushed.replied().get(30, TimeUnit.SECONDS);
        assertThat(reply.note()).containsExactly(7, round);
        assertThat(reply.tensors().keySet()).containsExactlyElementsOf(answer.keySet());
        assertThat(WireCodecs.decode(reply.tensors().get("big")).toByteArray()).isEqualTo(big.toByteArray());
      }
      assertThat(sender.queuedBytes()).isZero();
      assertThat(receiver.inbox().heldBytes()).isZero();
    }
  }

  @Test
  void receive_withAPool_readsPayloadsIntoArraysTheReceiverGivesBack_andTheNextFrameReusesThem() throws Exception {
    ReceiveBuffers pool = new ReceiveBuffers(1 << 24);
    Tensor tensor = TestingTensors.gaussian(List.of(1L, 64L, 32L, 32L), 1.0, 8);
    Map<String, EncodedTensor> crossing = Map.of("h", WireCodecs.byName("raw").encode(tensor));
    BulkInbox inbox = new BulkInbox(1 << 30, 64, Duration.ofSeconds(60), Ticker.system());
    try (BulkReceiver receiver = new BulkReceiver("127.0.0.1", 0, inbox, Duration.ofSeconds(10), MAX_TENSOR, 1L << 30,
        pool); BulkSender sender = sender(1 << 30, Duration.ofSeconds(10))) {
      receiver.register(MODEL, delivered::add);
      for (int round = 0; round < 3; round++) {
        sender.send(receiver.endpoint(), sender.newToken(), request(round), crossing);
        EncodedTensor got = nextDelivery().tensors().get("h");
        assertThat(WireCodecs.decode(got).toByteArray()).isEqualTo(tensor.toByteArray());
        assertThat(got.release(List.of())).as("round " + round).isTrue();
      }
    }
    assertThat(pool.allocatedCount()).isEqualTo(1);
    assertThat(pool.reusedCount()).isEqualTo(2);
  }

  @Test
  void receive_garbageTruncatedOrLyingStreams_refuseTheirFrameNamingWhyThenClose() throws Exception {
    Map<String, EncodedTensor> one = Map.of("h", WireCodecs.byName("raw").encode(
        Tensor.ofFloats(List.of(1L, 4L), new float[] {1, 2, 3, 4})));
    try (BulkReceiver receiver = receiver(1 << 20, Duration.ofSeconds(10))) {
      int port = Integer.parseInt(receiver.endpoint().substring(receiver.endpoint().lastIndexOf(':') + 1));

      try (Socket garbage = new Socket(InetAddress.getLoopbackAddress(), port)) {
        garbage.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        garbage.setSoTimeout(30_000);
        assertThat(garbage.getInputStream().read()).as("the receiver closes a stream that is not ours").isEqualTo(-1);
      }

      String truncatedToken = "11".repeat(16);
      byte[] whole = frame(truncatedToken, one);
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.getOutputStream().write(Arrays.copyOf(whole, whole.length - 5));
        socket.shutdownOutput();
        assertThat(refusalThenEnd(socket, truncatedToken)).contains("ended in the middle of a frame");
        assertThat(socket.getInputStream().read()).isEqualTo(-1);
      }

      String lyingToken = "22".repeat(16);
      byte[] bad = frame(lyingToken, one);
      // The payload length, last in the header, now claims more than any tensor may carry.
      int payloadLengthAt = bad.length - 16 - 1;
      assertThat(bad[payloadLengthAt]).isEqualTo((byte) 16);
      byte[] liar = new byte[bad.length + 4];
      System.arraycopy(bad, 0, liar, 0, payloadLengthAt);
      byte[] huge = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x07};
      System.arraycopy(huge, 0, liar, payloadLengthAt, huge.length);
      int headerAt = headerLengthAt(bad);
      ByteBuffer.wrap(liar).putInt(headerAt, ByteBuffer.wrap(bad).getInt(headerAt) + 4);
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        OutputStream out = socket.getOutputStream();
        out.write(liar, 0, payloadLengthAt + huge.length);
        assertThat(refusalThenEnd(socket, lyingToken)).isEqualTo("bulk lane " + receiver.endpoint()
            + ": bulk frame tensor 'h' claims a payload of 1879048192 bytes, outside 0.." + MAX_TENSOR);
        assertThat(socket.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(receiver.inbox().heldBytes()).isZero();
      assertThat(delivered).isEmpty();
    }
  }

  @Test
  void receive_aMalformedRequestNote_isRefusedNamingWhy_andTheConnectionServesTheNextFrame() throws Exception {
    Map<String, EncodedTensor> one = Map.of("h", WireCodecs.byName("raw").encode(
        Tensor.ofFloats(List.of(1L, 4L), new float[] {1, 2, 3, 4})));
    try (BulkReceiver receiver = receiver(1 << 20, Duration.ofSeconds(10))) {
      int port = Integer.parseInt(receiver.endpoint().substring(receiver.endpoint().lastIndexOf(':') + 1));
      String badToken = "33".repeat(16);
      byte[] bad = frame(badToken, one);
      // The note's version byte, first in the note.
      bad[4 + 16 + 4] = 9;
      String goodToken = "44".repeat(16);
      byte[] good = frame(goodToken, one);
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.getOutputStream().write(bad);
        socket.getOutputStream().write(good);
        socket.setSoTimeout(30_000);
        DataInputStream in = new DataInputStream(socket.getInputStream());
        assertThat(in.readInt()).isEqualTo(BulkFrame.REFUSAL_MAGIC);
        assertThat(BulkFrame.readRefusal(in)).isEqualTo(new BulkFrame.Refusal(badToken, "bulk lane "
            + receiver.endpoint() + ": bulk request note of " + request(1).note().length
            + " bytes has version 9, this build reads 1"));
        BulkDelivery delivery = nextDelivery();
        assertThat(delivery.request()).isEqualTo(request(1));
        delivery.acknowledge(3, 4);
        assertThat(in.readInt()).isEqualTo(BulkFrame.ACK_MAGIC);
        assertThat(BulkFrame.readAck(in)).isEqualTo(new BulkFrame.Ack(goodToken, new BulkAck(3, 4)));
      }
      assertThat(receiver.inbox().heldBytes()).isZero();
    }
  }

  @Test
  void receive_forAModelNoOneServesOrAHandlerThatFails_isRefusedOnTheLane_andOtherFramesGoOn() throws Exception {
    Map<String, EncodedTensor> tensor = Map.of("h", WireCodecs.byName("raw").encode(
        Tensor.ofFloats(List.of(1L, 100L), new float[100])));
    try (BulkReceiver receiver = receiver(1 << 20, Duration.ofSeconds(10));
        BulkSender sender = sender(1 << 20, Duration.ofSeconds(10))) {
      receiver.register("broken", delivery -> {
        throw new IllegalStateException("mailbox closed");
      });
      BulkExchange unknown = sender.send(receiver.endpoint(), sender.newToken(),
          new BulkRequest(5, "cd".repeat(32), 1, 3, "raw"), tensor);
      BulkExchange failing = sender.send(receiver.endpoint(), sender.newToken(),
          new BulkRequest(6, "broken", 1, 3, "raw"), tensor);
      BulkExchange served = sender.send(receiver.endpoint(), sender.newToken(), request(7), tensor);
      assertThat(refusal(unknown.replied())).isEqualTo("bulk lane " + receiver.endpoint()
          + ": no executor on this node serves model " + "cd".repeat(32) + " (request 5)");
      assertThat(refusal(unknown.acknowledged())).isEqualTo(refusal(unknown.replied()));
      assertThat(refusal(failing.replied())).isEqualTo("bulk lane " + receiver.endpoint()
          + ": the executor of model broken could not take request 6: java.lang.IllegalStateException: mailbox closed");
      BulkDelivery delivery = nextDelivery();
      assertThat(delivery.request().requestId()).isEqualTo(7);
      delivery.acknowledge(1, 2);
      assertThat(served.acknowledged().get(30, TimeUnit.SECONDS)).isEqualTo(new BulkAck(1, 2));
      delivery.refuse("executor x is overloaded");
      assertThat(refusal(served.replied())).isEqualTo("executor x is overloaded");
      // Another handler than the one registered: nothing changes.
      receiver.unregister(MODEL, delivery2 -> { });
      BulkExchange still = sender.send(receiver.endpoint(), sender.newToken(), request(8), tensor);
      nextDelivery().acknowledge(0, 0);
      assertThat(still.acknowledged().get(30, TimeUnit.SECONDS)).isEqualTo(new BulkAck(0, 0));
    }
  }

  @Test
  void receive_overTheInboxLimit_refusesTheFrameOnTheLaneAndKeepsTheConnection() throws Exception {
    Map<String, EncodedTensor> big = Map.of("h", WireCodecs.byName("raw").encode(
        Tensor.ofFloats(List.of(1L, 1000L), new float[1000])));
    Map<String, EncodedTensor> small = Map.of("h", WireCodecs.byName("raw").encode(
        Tensor.ofFloats(List.of(1L, 10L), new float[10])));
    try (BulkReceiver receiver = receiver(1000, Duration.ofSeconds(10));
        BulkSender sender = sender(1 << 20, Duration.ofSeconds(10))) {
      BulkExchange refused = sender.send(receiver.endpoint(), sender.newToken(), request(1), big);
      assertThat(refusal(refused.acknowledged())).isEqualTo("bulk lane " + receiver.endpoint()
          + ": bulk inbox is full: 0 bytes held, 4000 more would pass the limit of 1000 (partnner.bulk.max-held)");
      BulkExchange sent = sender.send(receiver.endpoint(), sender.newToken(), request(2), small);
      BulkDelivery delivery = nextDelivery();
      assertThat(delivery.tensors().get("h").payloadBytes()).isEqualTo(40);
      assertThat(receiver.inbox().heldBytes()).as("held until the executor takes the frame on").isEqualTo(40);
      delivery.acknowledge(1, 2);
      assertThat(receiver.inbox().heldBytes()).isZero();
      assertThat(sent.acknowledged().get(30, TimeUnit.SECONDS)).isEqualTo(new BulkAck(1, 2));
    }
  }

  @Test
  void send_toAPeerThatStopsReading_failsWithinTheTimeoutWithoutBlockingTheCaller() throws Exception {
    Map<String, EncodedTensor> big = Map.of("h", WireCodecs.byName("raw").encode(
        Tensor.ofFloats(List.of(1L, 8_000_000L), new float[8_000_000])));
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        BulkSender sender = sender(1L << 30, Duration.ofMillis(500))) {
      silent.setReceiveBufferSize(4096);
      String endpoint = "127.0.0.1:" + silent.getLocalPort();
      long start = System.nanoTime();
      BulkExchange stuck = sender.send(endpoint, sender.newToken(), request(1), big);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(400));
      assertThat(failure(stuck.replied())).isEqualTo(failure(stuck.acknowledged()));
      assertThat(failure(stuck.acknowledged())).isEqualTo("bulk lane to " + endpoint
          + ": no progress for 500 ms; the connection was closed");
    }
  }

  @Test
  void send_unacknowledgedOrCutOff_failsNamingThePeerAndTheReason() throws Exception {
    Map<String, EncodedTensor> tensor = Map.of("h", WireCodecs.byName("raw").encode(
        Tensor.ofFloats(List.of(1L, 100L), new float[100])));
    try (BulkReceiver receiver = receiver(1 << 20, Duration.ofSeconds(10));
        BulkSender sender = sender(1 << 20, Duration.ofMillis(300))) {
      String token = sender.newToken();
      BulkExchange ignored = sender.send(receiver.endpoint(), token, request(1), tensor);
      assertThat(nextDelivery().tensors()).containsKey("h");
      assertThat(failure(ignored.acknowledged())).isEqualTo("bulk lane to " + receiver.endpoint()
          + ": no acknowledgement of token " + token + " within 300 ms");
      String unanswered = sender.newToken();
      BulkExchange acknowledgedOnly = sender.send(receiver.endpoint(), unanswered, request(2), tensor);
      nextDelivery().acknowledge(0, 0);
      acknowledgedOnly.acknowledged().get(30, TimeUnit.SECONDS);
      assertThat(failure(acknowledgedOnly.replied())).isEqualTo("bulk lane to " + receiver.endpoint()
          + ": no reply under token " + unanswered + " within 600 ms");
      BulkExchange cutOff = sender.send(receiver.endpoint(), sender.newToken(), request(3), tensor);
      receiver.close();
      assertThat(failure(cutOff.replied())).startsWith("bulk lane to " + receiver.endpoint() + ": ");
    }
  }

  @Test
  void send_overTheQueueLimitOrToNobody_failsNamingThePeer() throws Exception {
    Map<String, EncodedTensor> tensor = Map.of("h", WireCodecs.byName("raw").encode(
        Tensor.ofFloats(List.of(1L, 100L), new float[100])));
    try (BulkSender sender = sender(100, Duration.ofSeconds(5))) {
      assertThat(failure(sender.send("127.0.0.1:9", sender.newToken(), request(1), tensor).acknowledged())).isEqualTo(
          "bulk lane to 127.0.0.1:9 is full: 0 bytes queued, 400 more would pass the limit of 100 (partnner.bulk.max-held)");
    }
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        BulkSender sender = sender(1 << 20, Duration.ofSeconds(5))) {
      String endpoint = "127.0.0.1:" + closed.getLocalPort();
      closed.close();
      assertThat(failure(sender.send(endpoint, sender.newToken(), request(1), tensor).replied()))
          .startsWith("bulk lane to " + endpoint + ": cannot connect: ");
      assertThatThrownBy(() -> sender.send("nowhere", "00".repeat(16), request(1), tensor).acknowledged().get(30, TimeUnit.SECONDS))
          .hasRootCauseMessage("bulk endpoint 'nowhere' is not host:port");
    }
  }
}
