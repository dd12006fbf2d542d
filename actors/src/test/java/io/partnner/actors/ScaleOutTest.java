package io.partnner.actors;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.partnner.runtime.estimate.ExecutorLoad;
import io.partnner.runtime.serve.InferenceResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Leave;
import org.junit.jupiter.api.Test;

/** Cloud nodes joining and leaving under load, several edges on one pool, and messages Artery drops. */
class ScaleOutTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private static Config config(String overrides) {
    return ConfigFactory.parseString(overrides + "\npekko.actor.serialize-messages = on").withFallback(ConfigFactory.load());
  }

  private static EdgeGateway.Stats stats(Partnner edge) {
    return edge.stats().toCompletableFuture().join();
  }

  private static void stop(ActorSystem<?> system) throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aJoiningCloudNodeGetsWorkWithinFiveSecondsAndALeavingOneStopsGettingIt() throws Exception {
    TestingModel model = new TestingModel("scale", 20_000);
    try (Partnner edge = Partnner.start(model, config("partnner.planner.strategy = \"cloud-only\""))) {
      ActorSystem<PartnnerNode.Command> first = Partnner.startCloud(TestingModel.loader(), config(""),
          Optional.of(edge.address()));
      TestProbe<Object> probe = TestProbe.create(edge.system());
      probe.awaitAssert(WAIT, () -> assertThat(stats(edge).executors()).isEqualTo(1));
      long joinedAt = System.nanoTime();
      ActorSystem<PartnnerNode.Command> second = Partnner.startCloud(TestingModel.loader(), config(""),
          Optional.of(edge.address()));
      String secondAddress = second.address().toString();
      // Requests keep flowing while the second node comes up; the first one it serves is timed.
      long servedAt = -1;
      while (servedAt < 0 && System.nanoTime() - joinedAt < WAIT.toNanos()) {
        InferenceResult result = edge.infer(TestingModel.input(1, 2, 3, 4)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (result.servedBy().startsWith(secondAddress + "/")) {
          servedAt = System.nanoTime();
        }
      }
      assertThat(servedAt).as("the new node served a request").isPositive();
      System.out.printf("scale-out: the new cloud node served its first request %.2f s after it was started%n",
          (servedAt - joinedAt) / 1e9);
      assertThat(Duration.ofNanos(servedAt - joinedAt)).isLessThan(Duration.ofSeconds(5));

      Cluster.get(first).manager().tell(Leave.create(Cluster.get(first).selfMember().address()));
      probe.awaitAssert(WAIT, () -> assertThat(stats(edge).executors()).isEqualTo(1));
      String firstAddress = first.address().toString();
      for (int i = 0; i < 10; i++) {
        InferenceResult result = edge.infer(TestingModel.input(i, 0, 0, 0)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(result.servedBy()).startsWith(secondAddress + "/").doesNotStartWith(firstAddress);
        assertThat(result.fallback()).isEmpty();
      }
      stop(first);
      stop(second);
    }
  }

  @Test
  void edgesSharingThePoolSeeEachOthersLoad() throws Exception {
    TestingModel model = new TestingModel("shared", 50_000);
    try (Partnner busy = Partnner.start(model, config("partnner.planner.strategy = \"cloud-only\""));
        Partnner watcher = Partnner.start(model, config("""
            partnner.planner.strategy = "edge-only"
            partnner.load-monitor.poll-interval = 50ms
            pekko.cluster.seed-nodes = ["%s"]
            """.formatted(busy.address())))) {
      ActorSystem<PartnnerNode.Command> cloud = Partnner.startCloud(TestingModel.loader(), config(""),
          Optional.of(busy.address()));
      TestProbe<Object> probe = TestProbe.create(busy.system());
      probe.awaitAssert(WAIT, () -> {
        assertThat(stats(busy).executors()).isEqualTo(1);
        assertThat(stats(watcher).executors()).isEqualTo(1);
        return null;
      });
      List<CompletableFuture<InferenceResult>> flood = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        flood.add(busy.infer(TestingModel.input(i, i, i, i)).toCompletableFuture());
      }
      // The watcher sends nothing to the cloud, yet its view of the executor shows the busy edge's queue.
      probe.awaitAssert(WAIT, () -> assertThat(stats(watcher).loads()).anySatisfy(
          (ExecutorLoad load) -> assertThat(load.queueLength()).isGreaterThanOrEqualTo(2)));
      for (CompletableFuture<InferenceResult> answer : flood) {
        assertThat(answer.get(60, TimeUnit.SECONDS).fallback()).isEmpty();
      }
      assertThat(stats(watcher).answered()).isZero();
      stop(cloud);
    }
  }

  @Test
  void aTensorArteryDropsForSizeFallsBackAtOnceNotAfterTheDeadline() throws Exception {
    // 20,000 floats (80 kB) cross inside the request (no bulk lane); the large-message frame here holds 64 KiB, so
    // Artery drops the request.
    TestingModel model = new TestingModel("wide", 0, 20_000);
    String frames = "pekko.remote.artery.advanced.maximum-large-frame-size = 64 KiB\npartnner.bulk.enabled = off\n";
    try (Partnner edge = Partnner.start(model, config(frames + """
        partnner.planner.strategy = "fixed:1"
        partnner.gateway.cloud-deadline = 60s
        """))) {
      ActorSystem<PartnnerNode.Command> cloud = Partnner.startCloud(TestingModel.loader(), config(frames),
          Optional.of(edge.address()));
      TestProbe<Object> probe = TestProbe.create(edge.system());
      probe.awaitAssert(WAIT, () -> assertThat(stats(edge).executors()).isEqualTo(1));
      float[] x = new float[20_000];
      x[7] = 5;
      InferenceResult result = edge.infer(io.partnner.runtime.tensor.Tensor.ofFloats(List.of(1L, 20_000L), x))
          .toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(result.servedBy()).isEqualTo("edge");
      assertThat(result.fallback()).get().asString().contains("dropped").contains("oversized");
      assertThat(result.latency().totalNanos()).isLessThan(Duration.ofSeconds(10).toNanos());
      assertThat(result.outputs().get("y").toFloatArray()[7]).isEqualTo((5 + 1) * 2 + 3);
      stop(cloud);
    }
  }

  @Test
  void aLinkOutageMeansEdgeOnlyUntilTheLinkIsBackThenTheCloudAgain() throws Exception {
    TestingModel model = new TestingModel("outage", 2_000);
    try (Partnner edge = Partnner.start(model, config("""
        partnner.planner.strategy = "cloud-only"
        partnner.edge.link = "wifi"
        partnner.gateway.cloud-deadline = 1s
        """))) {
      ActorSystem<PartnnerNode.Command> cloud = Partnner.startCloud(TestingModel.loader(), config(""),
          Optional.of(edge.address()));
      TestProbe<Object> probe = TestProbe.create(edge.system());
      probe.awaitAssert(WAIT, () -> assertThat(stats(edge).executors()).isEqualTo(1));
      assertThat(edge.infer(TestingModel.input(1, 1, 1, 1)).toCompletableFuture().get(30, TimeUnit.SECONDS).servedBy())
          .isNotEqualTo("edge");
      long outageEnds = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      assertThat(edge.linkOutage(Duration.ofSeconds(3)).toCompletableFuture().get(10, TimeUnit.SECONDS)).isTrue();
      int onEdgeDuringOutage = 0;
      boolean cloudAgain = false;
      while (!cloudAgain && System.nanoTime() - outageEnds < WAIT.toNanos()) {
        InferenceResult result = edge.infer(TestingModel.input(2, 2, 2, 2)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(result.outputs().get("y").toFloatArray()).containsExactly(TestingModel.expected(new float[] {2, 2, 2, 2}));
        long now = System.nanoTime();
        if (result.servedBy().equals("edge") && now < outageEnds) {
          onEdgeDuringOutage++;
        }
        cloudAgain = !result.servedBy().equals("edge") && now > outageEnds;
      }
      // The first request waits out the deadline and falls back; the ones after it go to the edge at once.
      assertThat(onEdgeDuringOutage).isGreaterThan(1);
      assertThat(cloudAgain).as("back in the cloud after the outage").isTrue();
      assertThat(stats(edge).failed()).isZero();
      stop(cloud);
    }
  }
}
