package io.partnner.actors;

import io.partnner.runtime.estimate.ExecutorLoad;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.plan.Observation;
import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.plan.Prediction;
import io.partnner.runtime.serve.ExecutorChooser;
import io.partnner.runtime.serve.InferenceResult;
import io.partnner.runtime.serve.PendingRequest;
import io.partnner.runtime.serve.RequestFlow;
import io.partnner.runtime.serve.TransferPath;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.time.Ticker;
import io.partnner.runtime.wire.BulkAck;
import io.partnner.runtime.wire.BulkExchange;
import io.partnner.runtime.wire.BulkRefusedException;
import io.partnner.runtime.wire.BulkReply;
import io.partnner.runtime.wire.BulkRequest;
import io.partnner.runtime.wire.BulkSender;
import io.partnner.runtime.wire.EncodedTensor;
import io.partnner.runtime.wire.WireFormatException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The edge's front door. Owns the {@link RequestFlow} (bounded admission, the plan in force, routing to the
 * cloud executor with the smallest expected completion time ({@link ExecutorChooser}), falling back, exactly
 * one answer per request) and turns its decisions into messages and the replies back into calls on it. The
 * partitioner changes the plan by {@link PlanChanged}; requests never wait on the partitioner. Crossings of
 * {@code partnner.bulk.threshold} bytes or more travel on the bulk lane ({@link TransferPath}): pushed to the
 * executor's node in one frame with the request itself (no Artery message for it), acknowledged, answered or
 * refused on the same connection.
 * Offers the model to every cloud host that appears, so cloud nodes need no files.
 */
public final class EdgeGateway extends AbstractBehavior<EdgeGateway.Command> {
  /** What the gateway is told. */
  public sealed interface Command extends LocalMessage {}

  /** Run one inference; exactly one {@link Answer} comes back. */
  public record Infer(Map<String, Tensor> inputs, ActorRef<Answer> replyTo) implements Command {}

  /**
   * The partitioner switched plans; {@code predicted} is what its strategy expects of the plan (empty for a
   * baseline), which sets how long the cloud may take before the edge finishes a request itself.
   */
  public record PlanChanged(Plan plan, Optional<Prediction> predicted, String trigger) implements Command {}

  /** Serve the next request with this plan, once (bounded exploration). */
  public record ExploreOnce(Plan plan, Optional<Prediction> predicted) implements Command {}

  /** The partitioner's expectation of the plan in force moved, without a plan switch. */
  public record Predicted(Plan plan, Optional<Prediction> predicted) implements Command {}

  /** The cloud-load monitor's view of the executors. */
  public record LoadsChanged(List<ExecutorLoad> loads) implements Command {}

  /** Report counts. */
  public record GetStats(ActorRef<Stats> replyTo) implements Command {}

  /** What the gateway has done so far; {@code bulkLanes}: cloud executors whose bulk lane it knows. */
  public record Stats(long admitted, long rejected, long answered, long failed, long fallbacks, long lateReplies,
      int inFlight, Map<String, Long> assigned, int executors, List<ExecutorLoad> loads, long bulkSent,
      int bulkLanes) implements LocalMessage {}

  /** The one answer to an {@link Infer}. */
  public sealed interface Answer extends LocalMessage {}

  /** A result. */
  public record Answered(InferenceResult result) implements Answer {}

  /**
   * No result: {@code kind} is {@code overloaded}, {@code invalid-input} or {@code failed}; the reason names
   * the request and what went wrong.
   */
  public record Rejected(String kind, String reason) implements Answer {}

  private record FromEdge(SegmentExecutorActor.Reply reply) implements Command {}

  record FromCloud(SegmentExecutorActor.Reply reply) implements Command {}

  private record Listed(Receptionist.Listing listing) implements Command {}

  private record MessageDropped(Dropped dropped) implements Command {}

  /**
   * A request sent on the bulk lane got no answer there: {@code refused} by its executor's node (the reason is
   * theirs), or the push or the connection failed.
   */
  private record BulkFailed(long requestId, String executorId, String reason, boolean refused) implements Command {}

  /** A request's crossing arrived by the bulk lane and its executor took it on, with this load. */
  private record BulkAcked(long requestId, String executorId, BulkAck ack) implements Command {}

  /** The answer to a request whose crossing went by the bulk lane, back the same way. */
  private record BulkReplied(long requestId, String executorId, BulkReply reply) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private final ModelProfile profile;
  private final String modelHash;
  private final int edgeOnly;
  private final GatewaySettings settings;
  private final ActorRef<SegmentExecutorActor.Command> edgeExecutor;
  private final ActorRef<Partitioner.Command> partitioner;
  private final ActorRef<LinkMonitor.Command> linkMonitor;
  private final ActorRef<CloudLoadMonitor.Command> loadMonitor;
  private final CloudHost.Provide offer;
  private final EmulatedLink link;
  private final Optional<BulkSender> bulk;
  /** Each cloud executor's bulk lane endpoint, once it has said where it is. */
  private final Map<String, String> lanes = new HashMap<>();
  private final Ticker ticker;
  private final RequestFlow<ActorRef<Answer>> flow;
  private final ActorRef<SegmentExecutorActor.Reply> edgeReplies;
  private final ActorRef<SegmentExecutorActor.Reply> downlink;
  private final ActorRefResolver resolver;
  private final Set<String> hostsOffered = new HashSet<>();
  private Map<String, ActorRef<SegmentExecutorActor.Command>> executors = new LinkedHashMap<>();
  private List<ExecutorLoad> loads = List.of();
  private long bulkSent;

  /** Settings of the gateway, read once from config by {@link PartnnerSettings}. */
  record GatewaySettings(int maxInFlight, Duration cloudDeadline, int maxCloudAttempts, long bulkThreshold) {}

  static Behavior<Command> create(ModelProfile profile, GatewaySettings settings,
      ActorRef<SegmentExecutorActor.Command> edgeExecutor, ActorRef<Partitioner.Command> partitioner,
      ActorRef<LinkMonitor.Command> linkMonitor, CloudLoadMonitorFactory loadMonitorFactory,
      CloudHost.Provide offer, EmulatedLink link, Optional<BulkSender> bulk, Ticker ticker) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> new EdgeGateway(context, timers, profile,
        settings, edgeExecutor, partitioner, linkMonitor, loadMonitorFactory, offer, link, bulk, ticker)));
  }

  /** Builds the cloud-load monitor once the gateway's own address exists. */
  @FunctionalInterface
  interface CloudLoadMonitorFactory {
    Behavior<CloudLoadMonitor.Command> create(ActorRef<Command> gateway);
  }

  private EdgeGateway(ActorContext<Command> context, TimerScheduler<Command> timers, ModelProfile profile,
      GatewaySettings settings, ActorRef<SegmentExecutorActor.Command> edgeExecutor,
      ActorRef<Partitioner.Command> partitioner, ActorRef<LinkMonitor.Command> linkMonitor,
      CloudLoadMonitorFactory loadMonitorFactory, CloudHost.Provide offer, EmulatedLink link, Optional<BulkSender> bulk,
      Ticker ticker) {
    super(context);
    this.bulk = bulk;
    this.profile = profile;
    this.modelHash = profile.contentHash();
    this.edgeOnly = profile.cuts().size() - 1;
    this.settings = settings;
    this.edgeExecutor = edgeExecutor;
    this.partitioner = partitioner;
    this.linkMonitor = linkMonitor;
    this.offer = offer;
    this.link = link;
    this.ticker = ticker;
    this.flow = new RequestFlow<>(profile, new RequestFlow.Settings(settings.maxInFlight(),
        settings.cloudDeadline().toNanos(), settings.maxCloudAttempts()), new GatewayActions());
    this.resolver = ActorRefResolver.get(context.getSystem());
    this.edgeReplies = context.messageAdapter(SegmentExecutorActor.Reply.class, FromEdge::new);
    // Not a second adapter for Reply (it would replace the first): the downlink wraps cloud replies itself.
    this.downlink = context.spawn(Downlink.create(link, context.getSelf(), FromCloud::new), "downlink");
    this.loadMonitor = context.spawn(loadMonitorFactory.create(context.getSelf()), "cloud-load-monitor");
    // One adapter per message class: both subscriptions share it and are told apart by key.
    ActorRef<Receptionist.Listing> listings = context.messageAdapter(Receptionist.Listing.class, Listed::new);
    context.getSystem().receptionist().tell(Receptionist.subscribe(SegmentExecutorActor.serviceKey(modelHash), listings));
    context.getSystem().receptionist().tell(Receptionist.subscribe(CloudHost.KEY, listings));
    context.getSystem().eventStream().tell(new EventStream.Subscribe<>(Dropped.class,
        context.messageAdapter(Dropped.class, MessageDropped::new)));
    linkMonitor.tell(new LinkMonitor.Targets(List.of(), downlink));
    partitioner.tell(new Partitioner.Subscribe(context.getSelf()));
    timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ofMillis(50));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Infer.class, infer -> {
          flow.infer(infer.replyTo(), infer.inputs(), ticker.nanos());
          return this;
        })
        .onMessage(FromEdge.class, this::onEdgeReply)
        .onMessage(FromCloud.class, this::onCloudReply)
        .onMessage(PlanChanged.class, changed -> {
          flow.planChanged(changed.plan(), changed.predicted(), ticker.nanos());
          return this;
        })
        .onMessage(ExploreOnce.class, once -> {
          flow.exploreOnce(once.plan(), once.predicted());
          return this;
        })
        .onMessage(Predicted.class, predicted -> {
          flow.predictionChanged(predicted.plan(), predicted.predicted());
          return this;
        })
        .onMessage(LoadsChanged.class, changed -> {
          loads = List.copyOf(changed.loads());
          flow.loads(loads);
          return this;
        })
        .onMessage(Listed.class, listed -> listed.listing().isForKey(CloudHost.KEY)
            ? onHostsListed(listed.listing()) : onExecutorsListed(listed.listing()))
        .onMessage(MessageDropped.class, this::onDropped)
        .onMessage(BulkAcked.class, acked -> {
          onReceived(acked.requestId(), acked.executorId(), acked.ack().queueLength(), acked.ack().meanServiceNanos());
          return this;
        })
        .onMessage(BulkReplied.class, this::onBulkReplied)
        .onMessage(BulkFailed.class, failed -> {
          flow.cloudFailed(failed.requestId(), failed.executorId(), failed.refused()
              ? "executor " + failed.executorId() + " refused: " + failed.reason()
              : "it did not reach " + failed.executorId() + " on the bulk lane: " + failed.reason(), ticker.nanos());
          return this;
        })
        .onMessage(Tick.class, tick -> {
          flow.tick(ticker.nanos());
          return this;
        })
        .onMessage(GetStats.class, get -> {
          RequestFlow.Stats counts = flow.stats();
          get.replyTo().tell(new Stats(counts.admitted(), counts.rejected(), counts.answered(), counts.failed(),
              counts.fallbacks(), counts.lateReplies(), counts.inFlight(), counts.assigned(), executors.size(), loads,
              bulkSent, lanes.size()));
          return this;
        })
        .build();
  }

  private Behavior<Command> onEdgeReply(FromEdge fromEdge) {
    if (fromEdge.reply() instanceof SegmentExecutorActor.Done done) {
      flow.edgeDone(done.requestId(), done.fromCut(), done.toCut(), done.outputs(), done.blockNanos(),
          done.serviceNanos(), done.encodeNanos(), ticker.nanos());
    } else if (fromEdge.reply() instanceof SegmentExecutorActor.Failed refused) {
      flow.edgeFailed(refused.requestId(), refused.reason());
    }
    return this;
  }

  private Behavior<Command> onCloudReply(FromCloud fromCloud) {
    SegmentExecutorActor.Reply reply = fromCloud.reply();
    long now = ticker.nanos();
    if (reply instanceof SegmentExecutorActor.ProbeAck || reply instanceof SegmentExecutorActor.ProbePayload) {
      linkMonitor.tell(new LinkMonitor.ProbeReply(reply));
    } else if (reply instanceof SegmentExecutorActor.Received received) {
      onReceived(received.requestId(), received.executorId(), received.queueLength(), received.meanServiceNanos());
    } else if (reply instanceof SegmentExecutorActor.Done done) {
      loadMonitor.tell(new CloudLoadMonitor.Reported(done.executorId(), done.queueLength(), done.meanServiceNanos()));
      flow.cloudDone(done.requestId(), done.executorId(), done.fromCut(), done.outputs(), done.blockNanos(),
          done.queueNanos(), done.serviceNanos(), now);
    } else if (reply instanceof SegmentExecutorActor.Failed refused) {
      flow.cloudFailed(refused.requestId(), refused.executorId(),
          "executor " + refused.executorId() + " refused: " + refused.reason(), now);
    } else if (reply instanceof SegmentExecutorActor.Lane lane) {
      if (executors.containsKey(lane.executorId()) && !lane.endpoint().isEmpty() && bulk.isPresent()) {
        lanes.put(lane.executorId(), lane.endpoint());
        // Connected now, so the first crossing does not wait for it.
        bulk.get().warm(lane.endpoint());
      }
    }
    return this;
  }

  /** The answer that came back on the bulk lane: handled as if it had come through the downlink. */
  private Behavior<Command> onBulkReplied(BulkReplied replied) {
    SegmentExecutorActor.Done done;
    try {
      done = LaneReplies.done(replied.reply().note(), replied.reply().tensors());
    } catch (WireFormatException malformed) {
      flow.cloudFailed(replied.requestId(), replied.executorId(), "its answer from " + replied.executorId()
          + " on the bulk lane is malformed: " + malformed.getMessage(), ticker.nanos());
      return this;
    }
    FromCloud reply = new FromCloud(done);
    if (link.emulated()) {
      ActorRef<Command> self = getContext().getSelf();
      link.down(Downlink.bytes(done), () -> self.tell(reply));
      return this;
    }
    return onCloudReply(reply);
  }

  /** An executor took a request on: the end of its uplink transfer, and the executor's load. */
  private void onReceived(long requestId, String executorId, int queueLength, long meanServiceNanos) {
    long now = ticker.nanos();
    loadMonitor.tell(new CloudLoadMonitor.Reported(executorId, queueLength, meanServiceNanos));
    if (flow.cloudReceived(requestId, executorId, now)) {
      linkMonitor.tell(new LinkMonitor.UplinkAcked(requestId, now));
    }
  }

  private Behavior<Command> onExecutorsListed(Receptionist.Listing listing) {
    Map<String, ActorRef<SegmentExecutorActor.Command>> reachable = new LinkedHashMap<>();
    for (ActorRef<SegmentExecutorActor.Command> ref
        : listing.getServiceInstances(SegmentExecutorActor.serviceKey(modelHash))) {
      reachable.put(resolver.toSerializationFormat(ref), ref);
    }
    if (!reachable.keySet().equals(executors.keySet())) {
      getContext().getLog().info("gateway: {} cloud executor(s) for {}: {}", reachable.size(), profile.modelName(),
          reachable.keySet());
    }
    Set<String> gone = new HashSet<>(executors.keySet());
    gone.removeAll(reachable.keySet());
    Map<String, ActorRef<SegmentExecutorActor.Command>> previous = executors;
    executors = reachable;
    for (String lost : gone) {
      String endpoint = lanes.remove(lost);
      if (endpoint != null && !lanes.containsValue(endpoint)) {
        bulk.ifPresent(sender -> sender.forget(endpoint));
      }
    }
    if (bulk.isPresent()) {
      // New executors say where their node's bulk lane is (answered through the downlink as Lane).
      reachable.forEach((id, ref) -> {
        if (!previous.containsKey(id)) {
          ref.tell(new SegmentExecutorActor.GetLane(downlink));
        }
      });
    }
    // After the map is current: requests the lost executors held may go to another one at once.
    flow.executorsChanged(reachable.keySet(), ticker.nanos());
    loadMonitor.tell(new CloudLoadMonitor.Executors(reachable));
    linkMonitor.tell(new LinkMonitor.Targets(List.copyOf(reachable.values()), downlink));
    return this;
  }

  private Behavior<Command> onHostsListed(Receptionist.Listing listing) {
    for (ActorRef<CloudHost.Command> host : listing.getServiceInstances(CloudHost.KEY)) {
      String id = resolver.toSerializationFormat(host);
      if (hostsOffered.add(id)) {
        host.tell(offer);
      }
    }
    return this;
  }

  private Behavior<Command> onDropped(MessageDropped dropped) {
    Object message = dropped.dropped().message();
    long requestId = message instanceof SegmentExecutorActor.Run run ? run.requestId() : -1;
    if (requestId >= 0) {
      flow.dropped(requestId, dropped.dropped().reason(), ticker.nanos());
    }
    return this;
  }

  private static BulkFailed failed(long requestId, String executorId, Throwable failure) {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException wrapped
        && wrapped.getCause() != null ? wrapped.getCause() : failure;
    return new BulkFailed(requestId, executorId, String.valueOf(cause.getMessage()),
        cause instanceof BulkRefusedException);
  }

  /** Carries out the flow's decisions as messages. */
  private final class GatewayActions implements RequestFlow.Actions<ActorRef<Answer>> {
    @Override
    public void runOnEdge(long requestId, int fromCut, int toCut, String outputCodec,
        Map<String, EncodedTensor> inputs) {
      edgeExecutor.tell(new SegmentExecutorActor.Run(requestId, modelHash, fromCut, toCut, outputCodec, inputs,
          edgeReplies));
    }

    @Override
    public void sendToCloud(PendingRequest<ActorRef<Answer>> request, String executorId, long bytes, long nowNanos) {
      ActorRef<SegmentExecutorActor.Command> executor = executors.get(executorId);
      linkMonitor.tell(new LinkMonitor.UplinkSent(request.id(), bytes, nowNanos));
      SegmentExecutorActor.Run run = new SegmentExecutorActor.Run(request.id(), modelHash, request.plan().cut(),
          edgeOnly, "raw", request.crossing(), downlink);
      String endpoint = lanes.get(executorId);
      if (TransferPath.forBytes(bytes, settings.bulkThreshold(), bulk.isPresent() && endpoint != null)
          == TransferPath.ARTERY) {
        link.up(bytes, () -> executor.tell(run));
        return;
      }
      // The request travels in the frame with its crossing; the executor's node hands it to the executor directly.
      BulkSender sender = bulk.get();
      String token = sender.newToken();
      BulkRequest asked = new BulkRequest(request.id(), modelHash, request.plan().cut(), edgeOnly, "raw");
      ActorRef<Command> self = getContext().getSelf();
      long requestId = request.id();
      bulkSent++;
      link.up(bytes, () -> {
        BulkExchange pushed = sender.send(endpoint, token, asked, run.inputs());
        if (pushed.acknowledged().isCompletedExceptionally()) {
          // Refused at once (the lane's queue is full): the request carries its crossing itself.
          executor.tell(run);
          return;
        }
        // The executor acknowledges on the lane once it has taken the request on, and answers there too.
        // The receipt crosses the emulated downlink like an Artery receipt does (the uplink is timed by it).
        pushed.acknowledged().whenComplete((ack, failure) -> {
          if (failure != null) {
            self.tell(failed(requestId, executorId, failure));
          } else {
            link.down(Downlink.ENVELOPE_BYTES, () -> self.tell(new BulkAcked(requestId, executorId, ack)));
          }
        });
        pushed.replied().whenComplete((reply, failure) -> self.tell(failure == null
            ? new BulkReplied(requestId, executorId, reply) : failed(requestId, executorId, failure)));
      });
    }

    @Override
    public void leftCloud(long requestId) {
      linkMonitor.tell(new LinkMonitor.LeftCloud(requestId));
    }

    @Override
    public void answer(ActorRef<Answer> replyTo, InferenceResult result) {
      replyTo.tell(new Answered(result));
    }

    @Override
    public void reject(ActorRef<Answer> replyTo, String kind, String reason) {
      replyTo.tell(new Rejected(kind, reason));
    }

    @Override
    public void observe(Observation observation) {
      partitioner.tell(new Partitioner.Observe(observation));
    }

    @Override
    public void pathDown(String reason) {
      partitioner.tell(new Partitioner.PathDown(reason));
    }

    @Override
    public void fellBack(long requestId, String reason) {
      getContext().getLog().info("gateway: request {} falls back: {}", requestId, reason);
    }
  }
}
