package io.partnner.actors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.partnner.runtime.serve.InferenceException;
import io.partnner.runtime.serve.InferenceResult;
import io.partnner.runtime.tensor.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.Test;

/** An edge and cloud nodes as separate actor systems in one JVM, over real TCP on loopback. */
class EdgeCloudClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static Config config(String overrides) {
    return ConfigFactory.parseString(overrides + "\npekko.actor.serialize-messages = on\npekko.loglevel = INFO")
        .withFallback(ConfigFactory.load());
  }

  private static InferenceResult get(CompletableFuture<InferenceResult> future) throws Exception {
    return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static void awaitExecutors(Partnner edge, int count) {
    TestProbe<Object> probe = TestProbe.create(edge.system());
    probe.awaitAssert(WAIT, () -> {
      assertThat(edge.stats().toCompletableFuture().join().executors()).isEqualTo(count);
      return null;
    });
  }

  /** Waits until the edge has one cloud executor and knows its bulk lane; returns the probe it waited with. */
  private static TestProbe<Object> awaitBulkLane(Partnner edge) {
    awaitExecutors(edge, 1);
    TestProbe<Object> probe = TestProbe.create(edge.system());
    probe.awaitAssert(WAIT, () -> {
      assertThat(edge.stats().toCompletableFuture().join().bulkLanes()).isEqualTo(1);
      return null;
    });
    return probe;
  }

  @Test
  void aCloudNodeFetchesTheModelByHashAndRunsTheTail() throws Exception {
    TestingModel model = new TestingModel("tiny", 0);
    try (Partnner edge = Partnner.start(model, config("partnner.planner.strategy = \"fixed:1\""))) {
      ActorSystem<PartnnerNode.Command> cloud = Partnner.startCloud(TestingModel.loader(), config(""),
          Optional.of(edge.address()));
      try {
        awaitExecutors(edge, 1);
        for (int i = 0; i < 5; i++) {
          InferenceResult result = get(edge.infer(TestingModel.input(i, 1, 2, 3)).toCompletableFuture());
          assertThat(result.outputs().get("y").toFloatArray()).containsExactly(TestingModel.expected(new float[] {i, 1, 2, 3}));
          assertThat(result.plan().cut()).isEqualTo(1);
          assertThat(result.servedBy()).contains("/user/cloud-host/executor-");
          assertThat(result.fallback()).isEmpty();
          assertThat(result.latency().cloudNanos()).isPositive();
          assertThat(result.latency().linkUpNanos()).isPositive();
          assertThat(result.latency().totalNanos()).isGreaterThanOrEqualTo(result.latency().edgeNanos()
              + result.latency().cloudNanos());
        }
        EdgeGateway.Stats stats = edge.stats().toCompletableFuture().join();
        assertThat(stats.answered()).isEqualTo(5);
        assertThat(stats.assigned().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(5);
        TestProbe<Receptionist.Listing> hosts = TestProbe.create(cloud);
        cloud.receptionist().tell(Receptionist.find(CloudHost.KEY, hosts.getRef()));
        ActorRef<CloudHost.Command> host = hosts.receiveMessage().getServiceInstances(CloudHost.KEY).iterator().next();
        TestProbe<CloudHost.Served> served = TestProbe.create(cloud);
        host.tell(new CloudHost.GetServed(served.getRef()));
        assertThat(served.receiveMessage().hashes()).containsExactly(model.profile().contentHash());
      } finally {
        cloud.terminate();
        cloud.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void crossingsOverTheBulkThresholdTravelOnTheBulkLane_withTheirRequestAndNoArteryMessageForIt() throws Exception {
    // 50,000 floats (200 kB) cross; with the threshold at 64 KiB they go on the bulk lane, request and all.
    TestingModel model = new TestingModel("bulky", 0, 50_000);
    TestingArteryLog.clear();
    try (Partnner edge = Partnner.start(model, config("""
        partnner.planner.strategy = "fixed:1"
        partnner.bulk.threshold = 64 KiB
        """ + TestingArteryLog.CONFIG))) {
      ActorSystem<PartnnerNode.Command> cloud = Partnner.startCloud(TestingModel.loader(),
          config(TestingArteryLog.CONFIG), Optional.of(edge.address()));
      try {
        awaitBulkLane(edge);
        for (int i = 0; i < 3; i++) {
          float[] x = new float[50_000];
          x[49_999] = i;
          InferenceResult result = get(edge.infer(Tensor.ofFloats(List.of(1L, 50_000L), x)).toCompletableFuture());
          assertThat(result.servedBy()).contains("/user/cloud-host/executor-");
          assertThat(result.fallback()).isEmpty();
          assertThat(result.outputs().get("y").toFloatArray()[49_999]).isEqualTo((i + 1) * 2 + 3);
        }
        assertThat(edge.stats().toCompletableFuture().join().bulkSent()).isEqualTo(3);
        List<Object> overArtery = TestingArteryLog.sent();
        assertThat(overArtery).as("the log sees Artery traffic (the executor said where its lane is)")
            .anyMatch(SegmentExecutorActor.Lane.class::isInstance);
        assertThat(overArtery).as("no run request, acknowledgement or answer crossed Artery")
            .noneMatch(message -> message instanceof SegmentExecutorActor.Run
                || message instanceof SegmentExecutorActor.Received || message instanceof SegmentExecutorActor.Done
                || message instanceof SegmentExecutorActor.Failed);
      } finally {
        cloud.terminate();
        cloud.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aBulkRequestsReceiptCrossesTheEmulatedDownlink_soItsUplinkTimeIsAWholeRoundTrip(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    // 100 Mbit/s both ways and a 400 ms round trip: 200 kB go up in 16 ms after 200 ms, the receipt takes 200 ms back.
    java.nio.file.Path trace = java.nio.file.Files.writeString(dir.resolve("flat.csv"), "t_s,mbps\n0,100\n1,100\n");
    TestingModel model = new TestingModel("receipt", 0, 50_000);
    try (Partnner edge = Partnner.start(model, config("""
        partnner.planner.strategy = "fixed:1"
        partnner.edge.trace-rtt = 400ms
        partnner.edge.link = "%s"
        """.formatted(trace.toString().replace("\\", "/"))))) {
      ActorSystem<PartnnerNode.Command> cloud = Partnner.startCloud(TestingModel.loader(), config(""),
          Optional.of(edge.address()));
      try {
        awaitBulkLane(edge);
        InferenceResult result = get(edge.infer(Tensor.ofFloats(List.of(1L, 50_000L), new float[50_000]))
            .toCompletableFuture());
        assertThat(result.servedBy()).contains("/user/cloud-host/executor-");
        assertThat(edge.stats().toCompletableFuture().join().bulkSent()).isEqualTo(1);
        // Without the downlink's half of the round trip it would be about 216 ms.
        assertThat(result.latency().linkUpNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(400).toNanos());
      } finally {
        cloud.terminate();
        cloud.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void requestsAtACloudNodeThatDiesAreFinishedOnTheEdgeExactlyOnce() throws Exception {
    // Each block takes 100 ms, so requests queue at the one cloud executor when it dies.
    TestingModel model = new TestingModel("slow", 100_000);
    try (Partnner edge = Partnner.start(model, config("""
        partnner.planner.strategy = "fixed:1"
        partnner.gateway.cloud-deadline = 20s
        """))) {
      ActorSystem<PartnnerNode.Command> cloud = Partnner.startCloud(TestingModel.loader(), config("""
          pekko.coordinated-shutdown.run-by-actor-system-terminate = off
          """), Optional.of(edge.address()));
      awaitExecutors(edge, 1);
      List<CompletableFuture<InferenceResult>> answers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        answers.add(edge.infer(TestingModel.input(i, i, i, i)).toCompletableFuture());
      }
      TestProbe<Object> probe = TestProbe.create(edge.system());
      probe.awaitAssert(WAIT, () -> {
        assertThat(edge.stats().toCompletableFuture().join().answered()).isGreaterThanOrEqualTo(1);
        return null;
      });
      cloud.terminate();
      int fellBack = 0;
      for (int i = 0; i < answers.size(); i++) {
        InferenceResult result = get(answers.get(i));
        assertThat(result.outputs().get("y").toFloatArray()).containsExactly(TestingModel.expected(new float[] {i, i, i, i}));
        if (result.fallback().isPresent()) {
          fellBack++;
          assertThat(result.servedBy()).isEqualTo("edge");
        }
      }
      assertThat(fellBack).isPositive();
      EdgeGateway.Stats stats = edge.stats().toCompletableFuture().join();
      assertThat(stats.answered()).isEqualTo(8);
      assertThat(stats.failed()).isZero();
      assertThat(stats.inFlight()).isZero();
      // Still serving, now on the edge alone.
      assertThat(get(edge.infer(TestingModel.input(1, 2, 3, 4)).toCompletableFuture()).servedBy()).isEqualTo("edge");
    }
  }

  @Test
  void bulkCrossingsAtACloudNodeThatDiesAreAnsweredExactlyOnce() throws Exception {
    // 200 kB crossings on the bulk lane; each block takes 100 ms, so requests queue at the cloud when it dies.
    TestingModel model = new TestingModel("bulky-slow", 100_000, 50_000);
    try (Partnner edge = Partnner.start(model, config("""
        partnner.planner.strategy = "fixed:1"
        partnner.bulk.threshold = 64 KiB
        partnner.gateway.cloud-deadline = 20s
        """))) {
      ActorSystem<PartnnerNode.Command> cloud = Partnner.startCloud(TestingModel.loader(), config("""
          pekko.coordinated-shutdown.run-by-actor-system-terminate = off
          """), Optional.of(edge.address()));
      TestProbe<Object> probe = awaitBulkLane(edge);
      List<CompletableFuture<InferenceResult>> answers = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        float[] x = new float[50_000];
        x[0] = i;
        answers.add(edge.infer(Tensor.ofFloats(List.of(1L, 50_000L), x)).toCompletableFuture());
      }
      probe.awaitAssert(WAIT, () -> {
        assertThat(edge.stats().toCompletableFuture().join().answered()).isGreaterThanOrEqualTo(1);
        return null;
      });
      cloud.terminate();
      int fellBack = 0;
      for (int i = 0; i < answers.size(); i++) {
        InferenceResult result = get(answers.get(i));
        assertThat(result.outputs().get("y").toFloatArray()[0]).isEqualTo((i + 1) * 2 + 3);
        fellBack += result.fallback().isPresent() ? 1 : 0;
      }
      assertThat(fellBack).isPositive();
      EdgeGateway.Stats stats = edge.stats().toCompletableFuture().join();
      assertThat(stats.bulkSent()).isGreaterThanOrEqualTo(1);
      assertThat(stats.answered()).isEqualTo(6);
      assertThat(stats.failed()).isZero();
      assertThat(stats.inFlight()).isZero();
    }
  }

  @Test
  void overloadAndBadInputAreClearErrorsThatDisturbNoOtherRequest() throws Exception {
    TestingModel model = new TestingModel("slow-edge", 100_000);
    try (Partnner edge = Partnner.start(model, config("""
        partnner.planner.strategy = "edge-only"
        partnner.gateway.max-in-flight = 2
        """))) {
      CompletableFuture<InferenceResult> first = edge.infer(TestingModel.input(1, 1, 1, 1)).toCompletableFuture();
      CompletableFuture<InferenceResult> second = edge.infer(TestingModel.input(2, 2, 2, 2)).toCompletableFuture();
      CompletableFuture<InferenceResult> third = edge.infer(TestingModel.input(3, 3, 3, 3)).toCompletableFuture();
      assertThatThrownBy(() -> get(third)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(InferenceException.class)
          .hasMessageContaining("overloaded").hasMessageContaining("max-in-flight = 2");
      assertThat(((InferenceException) catchCause(third)).kind()).isEqualTo("overloaded");
      Tensor wrong = Tensor.ofFloats(List.of(1L, 3L), new float[] {1, 2, 3});
      CompletableFuture<InferenceResult> bad = edge.infer(wrong).toCompletableFuture();
      assertThatThrownBy(() -> get(bad)).cause().isInstanceOf(InferenceException.class)
          .hasMessageContaining("input 'x' should be FLOAT32 1x4, got FLOAT32 1x3");
      CompletableFuture<InferenceResult> unknown = edge.infer(Map.of("x", TestingModel.input(1, 1, 1, 1),
          "z", TestingModel.input(1, 1, 1, 1))).toCompletableFuture();
      assertThatThrownBy(() -> get(unknown)).cause().hasMessageContaining("unknown input 'z'");
      assertThat(get(first).outputs().get("y").toFloatArray()).containsExactly(TestingModel.expected(new float[] {1, 1, 1, 1}));
      assertThat(get(second).outputs().get("y").toFloatArray()).containsExactly(TestingModel.expected(new float[] {2, 2, 2, 2}));
      EdgeGateway.Stats stats = edge.stats().toCompletableFuture().join();
      assertThat(stats.rejected()).isEqualTo(1);
      assertThat(stats.answered()).isEqualTo(2);
    }
  }

  @Test
  void withoutCloudNodesTheEdgeServesAloneUnderAnyPlan() throws Exception {
    TestingModel model = new TestingModel("alone", 0);
    try (Partnner edge = Partnner.start(model, config("partnner.planner.strategy = \"cloud-only\""))) {
      InferenceResult result = get(edge.infer(TestingModel.input(4, 3, 2, 1)).toCompletableFuture());
      assertThat(result.servedBy()).isEqualTo("edge");
      assertThat(result.fallback()).contains("no cloud executor available");
      assertThat(result.outputs().get("y").toFloatArray()).containsExactly(TestingModel.expected(new float[] {4, 3, 2, 1}));
    }
  }

  @Test
  void badSettingsAreOneClearErrorAtStart() {
    TestingModel model = new TestingModel("settings", 0);
    assertThatThrownBy(() -> Partnner.start(model, config("partnner.planner.strategy = \"fixed:9\"")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partnner.planner.strategy 'fixed:9': the cut must be in 0..3 for settings");
    assertThatThrownBy(() -> Partnner.start(model, config("partnner.planner.strategy = \"fastest\"")))
        .hasMessageContaining("expected partnner, edge-only, cloud-only or fixed:K");
    assertThatThrownBy(() -> Partnner.start(model, config("partnner.edge.link = \"carrier-pigeon\"")))
        .hasMessageContaining("partnner.edge.link 'carrier-pigeon': not 'none', a preset");
    assertThatThrownBy(() -> Partnner.start(model, config("partnner.gateway.max-in-flight = 0")))
        .hasMessageContaining("partnner.gateway.max-in-flight must be at least 1");
    assertThatThrownBy(() -> Partnner.start(model, config("partnner.executor.range-sessions = -1")))
        .hasMessageContaining("partnner.executor.range-sessions must be >= 0, got -1");
  }

  private static Throwable catchCause(CompletableFuture<?> future) {
    try {
      future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
