package io.partnner.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnner.runtime.exec.ExecutorSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A cloud host fetches a model by hash in chunks, checks it, and serves it; bad offers are refused. */
class CloudHostTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final CloudHost.CloudSettings SETTINGS =
      new CloudHost.CloudSettings(1 << 20, Duration.ofMillis(300), 8, 0.5, ExecutorSettings.defaults());

  @AfterAll
  static void down() {
    testKit.shutdownTestKit();
  }

  private static CloudHost.Provide offer(TestingModel model, long bytes, ActorRef<ModelSource.Command> source) {
    return new CloudHost.Provide(model.profile().modelName(), model.profile().contentHash(), bytes, Map.of(), source);
  }

  private static List<String> served(ActorRef<CloudHost.Command> host) {
    TestProbe<CloudHost.Served> served = testKit.createTestProbe();
    host.tell(new CloudHost.GetServed(served.getRef()));
    return served.receiveMessage().hashes();
  }

  @Test
  void fetchesChecksAndServesAModelByHash() {
    TestingModel model = new TestingModel("fetched", 0);
    ActorRef<CloudHost.Command> host = testKit.spawn(CloudHost.create(TestingModel.loader(), SETTINGS, Optional.empty()));
    ActorRef<ModelSource.Command> source = testKit.spawn(
        ModelSource.create(Map.of(model.profile().contentHash(), model.bytes())));
    host.tell(offer(model, model.bytes().length, source));
    TestProbe<Receptionist.Listing> listings = testKit.createTestProbe();
    listings.awaitAssert(() -> {
      testKit.system().receptionist().tell(
          Receptionist.find(SegmentExecutorActor.serviceKey(model.profile().contentHash()), listings.getRef()));
      return assertThat(listings.receiveMessage().getServiceInstances(
          SegmentExecutorActor.serviceKey(model.profile().contentHash()))).hasSize(1);
    });
    assertThat(served(host)).containsExactly(model.profile().contentHash());
    // Offered again (another edge): served once.
    host.tell(offer(model, model.bytes().length, source));
    assertThat(served(host)).containsExactly(model.profile().contentHash());
  }

  @Test
  void bytesThatDoNotHashToTheOfferedHashAreNotServed() {
    TestingModel model = new TestingModel("tampered", 0);
    ActorRef<CloudHost.Command> host = testKit.spawn(CloudHost.create(TestingModel.loader(), SETTINGS, Optional.empty()));
    TestProbe<ModelSource.Command> source = testKit.createTestProbe();
    host.tell(offer(model, model.bytes().length, source.getRef()));
    ModelSource.FetchChunk fetch = source.expectMessageClass(ModelSource.FetchChunk.class);
    byte[] tampered = model.bytes();
    tampered[tampered.length - 1] ^= 1;
    fetch.replyTo().tell(new ModelSource.Chunk(fetch.hash(), 0, 1, tampered.length, tampered));
    source.expectNoMessage(Duration.ofMillis(200));
    assertThat(served(host)).isEmpty();
  }

  @Test
  void refusesOffersOverTheSizeLimitOrWithABadHashAndGivesUpOnAMissingSource() {
    TestingModel model = new TestingModel("refused", 0);
    ActorRef<CloudHost.Command> host = testKit.spawn(CloudHost.create(TestingModel.loader(), SETTINGS, Optional.empty()));
    TestProbe<ModelSource.Command> source = testKit.createTestProbe();
    host.tell(offer(model, 2L << 20, source.getRef()));
    host.tell(new CloudHost.Provide("x", "not-a-hash", 10, Map.of(), source.getRef()));
    source.expectNoMessage(Duration.ofMillis(200));
    host.tell(offer(model, model.bytes().length, source.getRef()));
    ModelSource.FetchChunk fetch = source.expectMessageClass(ModelSource.FetchChunk.class);
    fetch.replyTo().tell(new ModelSource.NoSuchModel(fetch.hash(), "unknown model hash"));
    source.expectNoMessage(Duration.ofMillis(200));
    assertThat(served(host)).isEmpty();
  }

  @Test
  void asksAgainForAChunkThatDoesNotComeThenGivesUp() {
    TestingModel model = new TestingModel("silent", 0);
    ActorRef<CloudHost.Command> host = testKit.spawn(CloudHost.create(TestingModel.loader(), SETTINGS, Optional.empty()));
    TestProbe<ModelSource.Command> source = testKit.createTestProbe();
    host.tell(offer(model, model.bytes().length, source.getRef()));
    for (int attempt = 0; attempt < 3; attempt++) {
      assertThat(source.expectMessageClass(ModelSource.FetchChunk.class, Duration.ofSeconds(3)).index()).isZero();
    }
    source.expectNoMessage(Duration.ofMillis(600));
    assertThat(served(host)).isEmpty();
  }

  @Test
  void aSourceSendsChunksAndRefusesUnknownHashesAndIndices() {
    byte[] bytes = new byte[ModelSource.CHUNK_BYTES + 10];
    Arrays.fill(bytes, (byte) 3);
    ActorRef<ModelSource.Command> source = testKit.spawn(ModelSource.create(Map.of("ab", bytes)));
    TestProbe<ModelSource.Reply> replies = testKit.createTestProbe();
    source.tell(new ModelSource.FetchChunk("ab", 1, replies.getRef()));
    ModelSource.Chunk chunk = (ModelSource.Chunk) replies.receiveMessage();
    assertThat(chunk.count()).isEqualTo(2);
    assertThat(chunk.data()).hasSize(10);
    source.tell(new ModelSource.FetchChunk("ab", 2, replies.getRef()));
    assertThat(((ModelSource.NoSuchModel) replies.receiveMessage()).reason()).contains("out of range 0..1");
    source.tell(new ModelSource.FetchChunk("cd", 0, replies.getRef()));
    assertThat(((ModelSource.NoSuchModel) replies.receiveMessage()).reason()).contains("unknown model hash cd");
  }
}
