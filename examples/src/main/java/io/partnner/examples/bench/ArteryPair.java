package io.partnner.examples.bench;

import com.typesafe.config.Config;
import io.partnner.actors.Partnner;
import io.partnner.actors.PartnnerSettings;
import io.partnner.actors.SegmentExecutorActor;
import io.partnner.actors.wire.TensorMessageSerializer;
import io.partnner.runtime.time.Ticker;
import io.partnner.runtime.wire.BulkAck;
import io.partnner.runtime.wire.BulkDelivery;
import io.partnner.runtime.wire.BulkInbox;
import io.partnner.runtime.wire.BulkReceiver;
import io.partnner.runtime.wire.BulkRequest;
import io.partnner.runtime.wire.BulkSender;
import io.partnner.runtime.wire.EncodedTensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.cluster.typed.Unsubscribe;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.slf4j.LoggerFactory;

/**
 * Two partnner actor systems in this JVM, joined into one cluster over Artery on loopback, with a tensor
 * receiver on the second at {@code /user/cloud-host/executor-bench}: the path of a cloud executor, so its
 * messages take the large-message channel. The receiver acknowledges each {@link SegmentExecutorActor.Run}
 * at once with {@link SegmentExecutorActor.Received}, as a cloud executor does on arrival; each
 * request that comes on the bulk lane (in the frame with its tensors) once the lane has handed it over, through its
 * mailbox, as a cloud executor does. The
 * second node has a bulk lane receiver, the first a sender, set up as a partnner node's.
 */
final class ArteryPair implements AutoCloseable {
  static final String HOST = "cloud-host";
  static final String RECEIVER = "executor-bench";
  private static final String MODEL_HASH = "bench-transfer";

  private final ActorSystem<Void> edge;
  private final ActorSystem<Void> cloud;
  private final ActorRef<SegmentExecutorActor.Command> receiver;
  private final String receiverAddress;
  private final CompletableFuture<String> dropped;
  private final Duration timeout;
  private final long formationNanos;
  private final BulkReceiver lane;
  private final BulkSender bulk;
  private long nextRequestId;

  private ArteryPair(ActorSystem<Void> edge, ActorSystem<Void> cloud, String receiverAddress,
      CompletableFuture<String> dropped, Duration timeout, long formationNanos, BulkReceiver lane, BulkSender bulk) {
    this.edge = edge;
    this.cloud = cloud;
    this.receiverAddress = receiverAddress;
    this.receiver = ActorRefResolver.get(edge).resolveActorRef(receiverAddress);
    this.dropped = dropped;
    this.timeout = timeout;
    this.formationNanos = formationNanos;
    this.lane = lane;
    this.bulk = bulk;
    bulk.warm(lane.endpoint());
  }

  /**
   * Starts both systems with {@code config}, joins them, and waits until each sees both members Up.
   *
   * @throws IllegalStateException when they do not form a cluster within {@code timeout}
   */
  static ArteryPair start(Config config, Duration timeout) {
    // SLF4J set up on this thread first: two systems starting at once would otherwise race to initialise it,
    // and SLF4J warns that it replayed the calls made meanwhile.
    LoggerFactory.getILoggerFactory();
    PartnnerSettings.BulkSettings lanes = PartnnerSettings.fromConfig(config).bulk();
    BulkReceiver lane = new BulkReceiver("127.0.0.1", 0, new BulkInbox(lanes.maxHeld(), 4096, lanes.ttl(),
        Ticker.system()), lanes.timeout(), (int) lanes.maxTensorBytes(), lanes.maxHeld());
    BulkSender bulk = new BulkSender(lanes.maxHeld(), lanes.timeout(), lanes.timeout(), (int) lanes.maxTensorBytes(),
        new java.security.SecureRandom(), Ticker.system());
    ActorSystem<Void> edge = ActorSystem.create(Behaviors.empty(), Partnner.SYSTEM_NAME, config);
    ActorSystem<Void> cloud = null;
    try {
      CompletableFuture<ActorRef<SegmentExecutorActor.Command>> spawned = new CompletableFuture<>();
      cloud = ActorSystem.create(cloudGuardian(spawned, lane), Partnner.SYSTEM_NAME, config);
      CompletableFuture<String> dropped = watchDrops(edge);
      long start = System.nanoTime();
      Address seed = Cluster.get(edge).selfMember().address();
      Set<Address> both = Set.of(seed, Cluster.get(cloud).selfMember().address());
      CompletableFuture<Void> edgeSeesBoth = membersUp(edge, both);
      CompletableFuture<Void> cloudSeesBoth = membersUp(cloud, both);
      Cluster.get(edge).manager().tell(Join.create(seed));
      Cluster.get(cloud).manager().tell(Join.create(seed));
      CompletableFuture.allOf(edgeSeesBoth, cloudSeesBoth).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      long formation = System.nanoTime() - start;
      String address = ActorRefResolver.get(cloud)
          .toSerializationFormat(spawned.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      return new ArteryPair(edge, cloud, address, dropped, timeout, formation, lane, bulk);
    } catch (TimeoutException late) {
      stop(edge, cloud, timeout, lane, bulk);
      throw new IllegalStateException("the two nodes did not see each other Up within " + timeout.toSeconds() + " s");
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      stop(edge, cloud, timeout, lane, bulk);
      throw new IllegalStateException("interrupted while the two nodes formed a cluster");
    } catch (ExecutionException | RuntimeException failure) {
      stop(edge, cloud, timeout, lane, bulk);
      throw new IllegalStateException("the two nodes did not start: " + failure, failure);
    }
  }

  /** How long the two nodes took from the joins to both seeing both members Up. */
  long formationNanos() {
    return formationNanos;
  }

  /**
   * Size of the {@link SegmentExecutorActor.Run} carrying {@code inputs} as serialized for Artery.
   *
   * @throws IllegalStateException when the configuration does not bind it to {@link TensorMessageSerializer}
   */
  int messageBytes(Map<String, EncodedTensor> inputs) {
    ActorRef<SegmentExecutorActor.Reply> replyTo = ActorRefResolver.get(edge).resolveActorRef(receiverAddress);
    SegmentExecutorActor.Run run = run(0, inputs, replyTo);
    Serializer serializer = SerializationExtension.get(Adapter.toClassic(edge)).findSerializerFor(run);
    if (!(serializer instanceof TensorMessageSerializer)) {
      throw new IllegalStateException("Run messages are serialized by " + serializer.getClass().getName()
          + ", not TensorMessageSerializer: this is not a partnner node's configuration");
    }
    return serializer.toBinary(run).length;
  }

  /**
   * Sends {@code count} Runs carrying {@code inputs} back to back, then waits for every acknowledgement; the
   * nanoseconds taken.
   *
   * @throws IllegalStateException when Artery drops a Run, or an acknowledgement is missing or wrong
   */
  long roundTrips(Map<String, EncodedTensor> inputs, int count) {
    long first = nextRequestId;
    nextRequestId += count;
    List<CompletableFuture<SegmentExecutorActor.Reply>> acks = new ArrayList<>(count);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      long id = first + i;
      acks.add(AskPattern.<SegmentExecutorActor.Command, SegmentExecutorActor.Reply>ask(receiver,
          replyTo -> run(id, inputs, replyTo), timeout, edge.scheduler()).toCompletableFuture());
    }
    return awaitAcks(acks, first, start);
  }

  /**
   * Waits for every acknowledgement (or a dropped message) and returns the nanoseconds since {@code start}.
   *
   * @throws IllegalStateException when Artery dropped a message, or an acknowledgement is missing or wrong
   */
  private long awaitAcks(List<CompletableFuture<SegmentExecutorActor.Reply>> acks, long first, long start) {
    CompletableFuture<Void> all = CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    // The asks time out by themselves; a dropped Run ends the wait at once instead.
    CompletableFuture.anyOf(all, dropped).exceptionally(failure -> null).join();
    long nanos = System.nanoTime() - start;
    if (dropped.isDone()) {
      throw new IllegalStateException("Artery dropped a Run message: " + dropped.join());
    }
    for (int i = 0; i < acks.size(); i++) {
      SegmentExecutorActor.Reply reply;
      try {
        reply = acks.get(i).join();
      } catch (CompletionException failure) {
        throw new IllegalStateException("Run " + (first + i) + " to " + receiverAddress + " got no acknowledgement: "
            + failure.getCause(), failure.getCause());
      }
      if (!(reply instanceof SegmentExecutorActor.Received received) || received.requestId() != first + i) {
        throw new IllegalStateException("Run " + (first + i) + " was answered with " + reply);
      }
    }
    return nanos;
  }

  /**
   * As {@link #roundTrips}, but the way partnner moves crossings on its bulk lane (from
   * {@code partnner.bulk.threshold}): the edge pushes the tensors to the receiver's node over its kept TCP
   * connection, each frame carrying its request (nothing crosses Artery); once the lane has handed a request to
   * the receiver, it acknowledges on the lane's connection, as a cloud executor does.
   *
   * @throws IllegalStateException when the receiver refuses a request, or a push fails
   */
  long bulkRoundTrips(Map<String, EncodedTensor> inputs, int count) {
    long first = nextRequestId;
    nextRequestId += count;
    List<CompletableFuture<BulkAck>> acks = new ArrayList<>(count);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      String token = bulk.newToken();
      acks.add(bulk.send(lane.endpoint(), token, new BulkRequest(first + i, MODEL_HASH, 0, 0, "raw"), inputs)
          .acknowledged());
    }
    CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).exceptionally(failure -> null).join();
    long nanos = System.nanoTime() - start;
    for (CompletableFuture<BulkAck> ack : acks) {
      if (ack.isCompletedExceptionally()) {
        throw new IllegalStateException("a bulk push failed: " + ack.handle((ok, failure) -> failure).join());
      }
    }
    return nanos;
  }

  /** Terminates both systems and waits for them. */
  @Override
  public void close() {
    stop(edge, cloud, timeout, lane, bulk);
  }

  private static SegmentExecutorActor.Run run(long requestId, Map<String, EncodedTensor> inputs,
      ActorRef<SegmentExecutorActor.Reply> replyTo) {
    return new SegmentExecutorActor.Run(requestId, MODEL_HASH, 0, 0, "raw", inputs, replyTo);
  }

  private static Behavior<Void> cloudGuardian(CompletableFuture<ActorRef<SegmentExecutorActor.Command>> spawned,
      BulkReceiver lane) {
    return Behaviors.setup(guardian -> {
      guardian.spawn(Behaviors.<Void>setup(host -> {
        spawned.complete(host.spawn(receiver(lane), RECEIVER).narrow());
        return Behaviors.empty();
      }), HOST);
      return Behaviors.empty();
    });
  }

  /** A request came on the bulk lane, with its tensors. */
  private record Arrived(BulkDelivery delivery) {}

  /**
   * Acknowledges every Run at once and keeps nothing; a request on the lane, once the lane has handed it over
   * (through this actor's mailbox), as a cloud executor does.
   */
  private static Behavior<Object> receiver(BulkReceiver lane) {
    return Behaviors.setup(context -> {
      ActorRef<Object> self = context.getSelf();
      lane.register(MODEL_HASH, delivery -> self.tell(new Arrived(delivery)));
      return Behaviors.receive(Object.class)
          .onMessage(SegmentExecutorActor.Run.class, run -> {
            run.replyTo().tell(new SegmentExecutorActor.Received(run.requestId(), RECEIVER, 0, 0));
            return Behaviors.same();
          })
          .onMessage(Arrived.class, arrived -> {
            arrived.delivery().acknowledge(0, 0);
            return Behaviors.same();
          })
          .build();
    });
  }

  /** Completes when {@code system} has seen every one of {@code members} Up. */
  private static CompletableFuture<Void> membersUp(ActorSystem<?> system, Set<Address> members) {
    CompletableFuture<Void> up = new CompletableFuture<>();
    system.systemActorOf(Behaviors.<ClusterEvent.MemberUp>setup(context -> {
      Cluster cluster = Cluster.get(context.getSystem());
      cluster.subscriptions().tell(Subscribe.create(context.getSelf(), ClusterEvent.MemberUp.class));
      Set<Address> seen = new HashSet<>();
      return Behaviors.receive(ClusterEvent.MemberUp.class)
          .onMessage(ClusterEvent.MemberUp.class, event -> {
            seen.add(event.member().address());
            if (!seen.containsAll(members)) {
              return Behaviors.same();
            }
            up.complete(null);
            cluster.subscriptions().tell(new Unsubscribe<>(context.getSelf()));
            return Behaviors.stopped();
          })
          .build();
    }), "bench-members-up", Props.empty());
    return up;
  }

  /** Completes with the reason when {@code system} drops a Run (too big for its frame, or a full queue). */
  private static CompletableFuture<String> watchDrops(ActorSystem<?> system) {
    CompletableFuture<String> dropped = new CompletableFuture<>();
    system.systemActorOf(Behaviors.<Dropped>setup(context -> {
      context.getSystem().eventStream().tell(new EventStream.Subscribe<>(Dropped.class, context.getSelf()));
      return Behaviors.receive(Dropped.class)
          .onMessage(Dropped.class, drop -> {
            if (drop.message() instanceof SegmentExecutorActor.Run) {
              dropped.complete(drop.reason());
            }
            return Behaviors.same();
          })
          .build();
    }), "bench-drops", Props.empty());
    return dropped;
  }

  private static void stop(ActorSystem<?> edge, ActorSystem<?> cloud, Duration timeout, BulkReceiver lane,
      BulkSender bulk) {
    bulk.close();
    lane.close();
    terminate(edge, cloud, timeout);
  }

  private static void terminate(ActorSystem<?> edge, ActorSystem<?> cloud, Duration timeout) {
    List<ActorSystem<?>> systems = cloud == null ? List.of(edge) : List.of(cloud, edge);
    // Both at once: in turn, each leaving the cluster, took about 3 s here, at once under 1 s. Either way Pekko
    // logs warnings that the peer's connections were aborted.
    systems.forEach(ActorSystem::terminate);
    for (ActorSystem<?> system : systems) {
      try {
        system.getWhenTerminated().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException ignored) {
        // Nothing more to do: the JVM exits after the command.
      }
    }
  }
}
