package io.partnner.actors;

import io.partnner.actors.wire.WireMessage;
import io.partnner.runtime.exec.DeviceProfile;
import io.partnner.runtime.exec.ExecutorSettings;
import io.partnner.runtime.exec.LoadedModel;
import io.partnner.runtime.exec.ModelLoader;
import io.partnner.runtime.exec.SegmentExecutor;
import io.partnner.runtime.wire.BulkReceiver;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * A cloud node's host for executors. Edges offer it their model ({@link Provide}); if it does not serve that
 * content hash yet it fetches the bytes from the edge's {@link ModelSource} chunk by chunk, checks the
 * SHA-256 against the hash, analyses the model (on the ONNX Runtime dispatcher) and starts a
 * {@link SegmentExecutorActor} registered under the hash's key. Cloud nodes need no model files.
 */
public final class CloudHost extends AbstractBehavior<CloudHost.Command> {
  /** What a cloud host is told. */
  public sealed interface Command {}

  /** An edge offers the model with this content hash, fetchable from {@code source}. */
  public record Provide(String modelName, String hash, long totalBytes, Map<String, List<Long>> inputShapes,
      ActorRef<ModelSource.Command> source) implements Command, WireMessage {}

  /** Report the hashes served now. */
  public record GetServed(ActorRef<Served> replyTo) implements Command, WireMessage {}

  /** The content hashes this host serves. */
  public record Served(List<String> hashes) implements WireMessage {}

  private record ChunkArrived(ModelSource.Reply reply) implements Command, LocalMessage {}

  private record Loaded(String hash, LoadedModel model, SegmentExecutor executor, Throwable failure)
      implements Command, LocalMessage {}

  private record Ready(LoadedModel model, SegmentExecutor executor) {}

  private record ChunkTimeout(String hash, int index) implements Command, LocalMessage {}

  private static final class Fetch {
    final Provide offer;
    final byte[] bytes;
    int received;
    int count = -1;
    int attempts;

    Fetch(Provide offer) {
      this.offer = offer;
      this.bytes = new byte[(int) offer.totalBytes()];
    }
  }

  /** Where edges find cloud hosts. */
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "partnner-cloud-host");

  private static final int MAX_ATTEMPTS = 3;

  private final ModelLoader loader;
  private final CloudSettings settings;
  private final Executor onnx;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ModelSource.Reply> chunkReplies;
  private final Map<String, Fetch> fetching = new HashMap<>();
  private final Map<String, ActorRef<SegmentExecutorActor.Command>> serving = new HashMap<>();
  private final Optional<BulkReceiver> lane;

  /** Settings of a cloud host, read once from config by {@link PartnnerSettings}. */
  record CloudSettings(long maxModelBytes, Duration chunkTimeout, int queueCapacity, double serviceWeight,
      ExecutorSettings executor) {}

  /** A host loading models with {@code loader}; its executors take bulk inputs from {@code lane}, if any. */
  static Behavior<Command> create(ModelLoader loader, CloudSettings settings, Optional<BulkReceiver> lane) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new CloudHost(context, timers, loader, settings, lane)));
  }

  private CloudHost(ActorContext<Command> context, TimerScheduler<Command> timers, ModelLoader loader,
      CloudSettings settings, Optional<BulkReceiver> lane) {
    super(context);
    this.lane = lane;
    this.timers = timers;
    this.loader = loader;
    this.settings = settings;
    this.onnx = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(SegmentExecutorActor.DISPATCHER));
    this.chunkReplies = context.messageAdapter(ModelSource.Reply.class, ChunkArrived::new);
    context.getSystem().receptionist().tell(Receptionist.register(KEY, context.getSelf()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Provide.class, this::onProvide)
        .onMessage(ChunkArrived.class, this::onChunk)
        .onMessage(ChunkTimeout.class, this::onTimeout)
        .onMessage(Loaded.class, this::onLoaded)
        .onMessage(GetServed.class, get -> {
          get.replyTo().tell(new Served(List.copyOf(serving.keySet())));
          return this;
        })
        .build();
  }

  private Behavior<Command> onProvide(Provide offer) {
    if (serving.containsKey(offer.hash()) || fetching.containsKey(offer.hash())) {
      return this;
    }
    if (!offer.hash().matches("[0-9a-f]{64}")) {
      getContext().getLog().error("cloud host: refused model {}: hash '{}' is not a SHA-256 in hex", offer.modelName(),
          offer.hash());
      return this;
    }
    if (offer.totalBytes() <= 0 || offer.totalBytes() > settings.maxModelBytes()) {
      getContext().getLog().error("cloud host: refused model {}: {} bytes is outside 1..{} (partnner.cloud.max-model-bytes)",
          offer.modelName(), offer.totalBytes(), settings.maxModelBytes());
      return this;
    }
    getContext().getLog().info("cloud host: fetching model {} ({} bytes, {})", offer.modelName(), offer.totalBytes(),
        offer.hash());
    fetching.put(offer.hash(), new Fetch(offer));
    request(offer.hash(), 0);
    return this;
  }

  private void request(String hash, int index) {
    Fetch fetch = fetching.get(hash);
    fetch.offer.source().tell(new ModelSource.FetchChunk(hash, index, chunkReplies));
    timers.startSingleTimer(hash, new ChunkTimeout(hash, index), settings.chunkTimeout());
  }

  private Behavior<Command> onChunk(ChunkArrived arrived) {
    if (arrived.reply() instanceof ModelSource.NoSuchModel missing) {
      abandon(missing.hash(), "the source answered: " + missing.reason());
      return this;
    }
    ModelSource.Chunk chunk = (ModelSource.Chunk) arrived.reply();
    Fetch fetch = fetching.get(chunk.hash());
    if (fetch == null || chunk.index() != fetch.received) {
      return this;
    }
    long expectedCount = (fetch.offer.totalBytes() + ModelSource.CHUNK_BYTES - 1) / ModelSource.CHUNK_BYTES;
    int from = chunk.index() * ModelSource.CHUNK_BYTES;
    if (chunk.totalBytes() != fetch.offer.totalBytes() || chunk.count() != expectedCount
        || chunk.data().length != Math.min(ModelSource.CHUNK_BYTES, fetch.bytes.length - from)) {
      abandon(chunk.hash(), "chunk " + chunk.index() + " does not fit the offer (" + chunk.data().length + " bytes of "
          + chunk.totalBytes() + " in " + chunk.count() + " chunks, offered " + fetch.offer.totalBytes() + " bytes)");
      return this;
    }
    System.arraycopy(chunk.data(), 0, fetch.bytes, from, chunk.data().length);
    fetch.received++;
    fetch.attempts = 0;
    if (fetch.received < chunk.count()) {
      request(chunk.hash(), fetch.received);
      return this;
    }
    timers.cancel(chunk.hash());
    String actual = sha256(fetch.bytes);
    if (!actual.equals(chunk.hash())) {
      abandon(chunk.hash(), "the bytes received hash to " + actual);
      return this;
    }
    Provide offer = fetch.offer;
    CompletableFuture<Ready> loading = CompletableFuture.supplyAsync(() -> {
      LoadedModel model = loader.load(offer.modelName(), fetch.bytes, offer.inputShapes());
      SegmentExecutor executor = model.newExecutor(DeviceProfile.NATIVE, settings.executor());
      PartnnerNode.warmUp(executor, model);
      return new Ready(model, executor);
    }, onnx);
    getContext().pipeToSelf(loading, (ready, failure) -> failure != null
        ? new Loaded(offer.hash(), null, null, failure) : new Loaded(offer.hash(), ready.model(), ready.executor(), null));
    return this;
  }

  private Behavior<Command> onTimeout(ChunkTimeout timeout) {
    Fetch fetch = fetching.get(timeout.hash());
    if (fetch == null || fetch.received != timeout.index()) {
      return this;
    }
    if (++fetch.attempts >= MAX_ATTEMPTS) {
      abandon(timeout.hash(), "chunk " + timeout.index() + " did not come in " + MAX_ATTEMPTS + " tries of "
          + settings.chunkTimeout().toMillis() + " ms");
    } else {
      request(timeout.hash(), timeout.index());
    }
    return this;
  }

  private Behavior<Command> onLoaded(Loaded loaded) {
    Fetch fetch = fetching.remove(loaded.hash());
    if (loaded.failure() != null) {
      Throwable cause = loaded.failure().getCause() != null ? loaded.failure().getCause() : loaded.failure();
      getContext().getLog().error("cloud host: model {} ({}) cannot be served: {}",
          fetch == null ? "?" : fetch.offer.modelName(), loaded.hash(), cause.getMessage());
      return this;
    }
    LoadedModel model = loaded.model();
    ActorRef<SegmentExecutorActor.Command> executor = getContext().spawn(
        SegmentExecutorActor.create(null, model.profile(), loaded.executor(), settings.queueCapacity(),
            settings.serviceWeight(), true, lane),
        "executor-" + loaded.hash().substring(0, 16),
        DispatcherSelector.sameAsParent());
    serving.put(loaded.hash(), executor);
    getContext().getSystem().receptionist().tell(
        Receptionist.register(SegmentExecutorActor.serviceKey(loaded.hash()), executor));
    getContext().getLog().info("cloud host: serving model {} ({} cuts) as {}", model.profile().modelName(),
        model.profile().cuts().size(), executor.path());
    return this;
  }

  private void abandon(String hash, String reason) {
    Fetch fetch = fetching.remove(hash);
    timers.cancel(hash);
    getContext().getLog().error("cloud host: gave up fetching model {} ({}): {}",
        fetch == null ? "?" : fetch.offer.modelName(), hash, reason);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
