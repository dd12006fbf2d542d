package io.partnner.actors;

import io.partnner.runtime.estimate.ExecutorLoad;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.plan.Observation;
import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.plan.Side;
import io.partnner.runtime.serve.ExecutorChooser;
import io.partnner.runtime.serve.InferenceResult;
import io.partnner.runtime.serve.InputCheck;
import io.partnner.runtime.serve.MeasuredLatency;
import io.partnner.runtime.serve.PendingRequest;
import io.partnner.runtime.serve.Phase;
import io.partnner.runtime.serve.RequestTable;
import io.partnner.runtime.serve.TransferPath;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.time.Ticker;
import io.partnner.runtime.wire.BulkAck;
import io.partnner.runtime.wire.BulkExchange;
import io.partnner.runtime.wire.BulkReply;
import io.partnner.runtime.wire.BulkSender;
import io.partnner.runtime.wire.EncodedTensor;
import io.partnner.runtime.wire.WireFormatException;
import io.partnner.runtime.wire.WireCodecs;
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
 * The edge's front door. Owns the {@link RequestTable} (bounded: a full table is an overload error, not a
 * growing heap) and the plan in force, which the partitioner changes by {@link PlanChanged}; requests never
 * wait on the partitioner. A request runs its head on the edge executor, goes up the link to the cloud
 * executor with the smallest expected completion time ({@link ExecutorChooser}), and is answered exactly
 * once: by the cloud's result, or, when that executor leaves, becomes unreachable, refuses, drops the message,
 * loses its bulk lane connection or misses the deadline, by another executor or the edge itself from the
 * crossing tensors it kept. Crossings of {@code partnner.bulk.threshold} bytes or more travel on the bulk lane
 * ({@link TransferPath}): pushed to the executor's node beside a small request over Artery, acknowledged and
 * answered on the same connection. Offers the model to every cloud host that appears, so cloud nodes need no
 * files.
 */
public final class EdgeGateway extends AbstractBehavior<EdgeGateway.Command> {
  /** What the gateway is told. */
  public sealed interface Command extends LocalMessage {}

  /** Run one inference; exactly one {@link Answer} comes back. */
  public record Infer(Map<String, Tensor> inputs, ActorRef<Answer> replyTo) implements Command {}

  /** The partitioner switched plans. */
  public record PlanChanged(Plan plan, String trigger) implements Command {}

  /** Serve the next request with this plan, once (bounded exploration). */
  public record ExploreOnce(Plan plan) implements Command {}

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

  /** Pushing a request's crossing on the bulk lane failed. */
  private record BulkFailed(long requestId, String executorId, String reason) implements Command {}

  /** A request's crossing arrived by the bulk lane and its executor took it on, with this load. */
  private record BulkAcked(long requestId, String executorId, BulkAck ack) implements Command {}

  /** The answer to a request whose crossing went by the bulk lane, back the same way. */
  private record BulkReplied(long requestId, String executorId, BulkReply reply) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private final ModelProfile profile;
  private final String modelHash;
  private final int edgeOnly;
  private final Set<String> outputNames = new HashSet<>();
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
  private final RequestTable<ActorRef<Answer>> table;
  private final ExecutorChooser chooser = new ExecutorChooser();
  private final ActorRef<SegmentExecutorActor.Reply> edgeReplies;
  private final ActorRef<SegmentExecutorActor.Reply> downlink;
  private final ActorRefResolver resolver;
  private final Set<String> hostsOffered = new HashSet<>();
  private Map<String, ActorRef<SegmentExecutorActor.Command>> executors = new LinkedHashMap<>();
  /** Null until the partitioner's first plan arrives; requests before it wait in {@link #early}. */
  private Plan plan;
  private final java.util.ArrayDeque<Infer> early = new java.util.ArrayDeque<>();
  private Plan explore;
  private long answered;
  private List<ExecutorLoad> loads = List.of();
  private long overloaded;
  private long bulkSent;
  private long failed;
  private long fallbacks;
  private long lateReplies;

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
    profile.outputs().forEach(output -> outputNames.add(output.name()));
    this.settings = settings;
    this.edgeExecutor = edgeExecutor;
    this.partitioner = partitioner;
    this.linkMonitor = linkMonitor;
    this.offer = offer;
    this.link = link;
    this.ticker = ticker;
    this.table = new RequestTable<>(settings.maxInFlight());
    this.plan = null;
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
        .onMessage(Infer.class, this::onInfer)
        .onMessage(FromEdge.class, this::onEdgeReply)
        .onMessage(FromCloud.class, this::onCloudReply)
        .onMessage(PlanChanged.class, changed -> {
          plan = changed.plan();
          while (!early.isEmpty()) {
            onInfer(early.removeFirst());
          }
          return this;
        })
        .onMessage(ExploreOnce.class, once -> {
          explore = once.plan();
          return this;
        })
        .onMessage(LoadsChanged.class, changed -> {
          loads = List.copyOf(changed.loads());
          chooser.loads(loads);
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
          held(failed.requestId(), failed.executorId()).ifPresent(request -> fallBack(request,
              "its crossing did not reach " + failed.executorId() + " on the bulk lane: " + failed.reason()));
          return this;
        })
        .onMessage(Tick.class, tick -> onTick())
        .onMessage(GetStats.class, get -> {
          get.replyTo().tell(new Stats(table.admitted(), overloaded, answered, failed, fallbacks, lateReplies,
              table.size(), chooser.assigned(), executors.size(), loads, bulkSent, lanes.size()));
          return this;
        })
        .build();
  }

  private Behavior<Command> onInfer(Infer infer) {
    Optional<String> problem = InputCheck.problem(profile, infer.inputs());
    if (problem.isPresent()) {
      infer.replyTo().tell(new Rejected("invalid-input", problem.get()));
      return this;
    }
    if (plan == null) {
      if (early.size() < table.capacity()) {
        early.addLast(infer);
      } else {
        rejectOverloaded(infer);
      }
      return this;
    }
    Plan chosen = explore != null ? explore : plan;
    explore = null;
    Optional<PendingRequest<ActorRef<Answer>>> admitted = table.admit(infer.replyTo(), infer.inputs(), chosen, ticker.nanos());
    if (admitted.isEmpty()) {
      rejectOverloaded(infer);
      return this;
    }
    PendingRequest<ActorRef<Answer>> request = admitted.get();
    Map<String, EncodedTensor> inputs = rawEncode(request.inputs());
    if (chosen.cut() == edgeOnly || chooser.availableCount() == 0) {
      if (chosen.cut() != edgeOnly) {
        request.fellBack("no cloud executor available", ticker.nanos());
      }
      edgeExecutor.tell(new SegmentExecutorActor.Run(request.id(), modelHash, 0, edgeOnly, "raw", inputs, edgeReplies));
    } else {
      edgeExecutor.tell(new SegmentExecutorActor.Run(
          request.id(), modelHash, 0, chosen.cut(), chosen.codec(), inputs, edgeReplies));
    }
    return this;
  }

  private void rejectOverloaded(Infer infer) {
    overloaded++;
    infer.replyTo().tell(new Rejected("overloaded", "edge gateway for " + profile.modelName() + " is overloaded: "
        + Math.max(table.size(), early.size()) + " requests in flight (partnner.gateway.max-in-flight = "
        + table.capacity() + "); try again later"));
  }

  private Behavior<Command> onEdgeReply(FromEdge fromEdge) {
    long now = ticker.nanos();
    if (fromEdge.reply() instanceof SegmentExecutorActor.Done done) {
      Optional<PendingRequest<ActorRef<Answer>>> found = table.get(done.requestId());
      if (found.isEmpty()) {
        return this;
      }
      PendingRequest<ActorRef<Answer>> request = found.get();
      if (!done.blockNanos().isEmpty()) {
        partitioner.tell(new Partitioner.Observe(
            new Observation.BlocksTimed(Side.EDGE, done.fromCut(), done.blockNanos(), now)));
      }
      if (done.toCut() == edgeOnly) {
        request.edgeRan(done.serviceNanos());
        Map<String, Tensor> outputs = new LinkedHashMap<>(request.edgeOutputs());
        outputs.putAll(decodeOutputs(done.outputs()));
        answer(request, outputs, "edge", request.edgeLatency(now));
      } else {
        Map<String, EncodedTensor> crossing = new LinkedHashMap<>();
        Map<String, Tensor> modelOutputs = new LinkedHashMap<>();
        for (TensorSpec spec : profile.cuts().get(done.toCut()).crossing()) {
          EncodedTensor tensor = done.outputs().get(spec.name());
          if (tensor != null) {
            crossing.put(spec.name(), tensor);
          }
        }
        done.outputs().forEach((name, tensor) -> {
          if (outputNames.contains(name) && !crossing.containsKey(name)) {
            modelOutputs.put(name, WireCodecs.decode(tensor));
          }
        });
        request.headDone(done.serviceNanos() - done.encodeNanos(), done.encodeNanos(), crossing, modelOutputs);
        sendToCloud(request, null);
      }
    } else if (fromEdge.reply() instanceof SegmentExecutorActor.Failed refused) {
      table.get(refused.requestId()).ifPresent(request -> fail(request, refused.reason()));
    }
    return this;
  }

  private void sendToCloud(PendingRequest<ActorRef<Answer>> request, String avoid) {
    long now = ticker.nanos();
    Optional<String> chosen = chooser.choose();
    if (chosen.isEmpty() || chosen.get().equals(avoid) || request.cloudAttempts() >= settings.maxCloudAttempts()) {
      finishOnEdge(request, chosen.isEmpty() ? "no cloud executor available" : null);
      return;
    }
    String executorId = chosen.get();
    ActorRef<SegmentExecutorActor.Command> executor = executors.get(executorId);
    long bytes = 0;
    for (EncodedTensor tensor : request.crossing().values()) {
      bytes += tensor.encodedBytes();
    }
    chooser.sent(executorId);
    request.sentToCloud(executorId, now, now + settings.cloudDeadline().toNanos());
    linkMonitor.tell(new LinkMonitor.UplinkSent(request.id(), bytes, now));
    SegmentExecutorActor.Run run = new SegmentExecutorActor.Run(request.id(), modelHash, request.plan().cut(),
        edgeOnly, "raw", request.crossing(), downlink);
    String endpoint = lanes.get(executorId);
    if (TransferPath.forBytes(bytes, settings.bulkThreshold(), bulk.isPresent() && endpoint != null)
        == TransferPath.ARTERY) {
      link.up(bytes, () -> executor.tell(run));
      return;
    }
    // The crossing is pushed on the bulk lane while the request crosses Artery under the same token.
    BulkSender sender = bulk.get();
    String token = sender.newToken();
    SegmentExecutorActor.RunBulk bulkRun = new SegmentExecutorActor.RunBulk(request.id(), modelHash,
        request.plan().cut(), edgeOnly, "raw", token, downlink);
    ActorRef<Command> self = getContext().getSelf();
    long requestId = request.id();
    bulkSent++;
    link.up(bytes, () -> {
      BulkExchange pushed = sender.send(endpoint, token, run.inputs());
      if (pushed.acknowledged().isCompletedExceptionally()) {
        // Refused at once (the lane's queue is full): the request carries its crossing itself.
        executor.tell(run);
        return;
      }
      // The executor acknowledges on the lane once it has the request and its crossing, and answers there too.
      pushed.acknowledged().whenComplete((ack, failure) -> self.tell(failure == null
          ? new BulkAcked(requestId, executorId, ack) : new BulkFailed(requestId, executorId, failure.getMessage())));
      pushed.replied().whenComplete((reply, failure) -> self.tell(failure == null
          ? new BulkReplied(requestId, executorId, reply) : new BulkFailed(requestId, executorId, failure.getMessage())));
      executor.tell(bulkRun);
    });
  }

  private void finishOnEdge(PendingRequest<ActorRef<Answer>> request, String reason) {
    if (reason != null) {
      request.fellBack(reason, ticker.nanos());
    }
    edgeExecutor.tell(new SegmentExecutorActor.Run(
        request.id(), modelHash, request.plan().cut(), edgeOnly, "raw", request.crossing(), edgeReplies));
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
      Optional<PendingRequest<ActorRef<Answer>>> held = held(done.requestId(), done.executorId());
      if (held.isEmpty()) {
        lateReplies++;
        return this;
      }
      PendingRequest<ActorRef<Answer>> request = held.get();
      chooser.done(done.executorId());
      linkMonitor.tell(new LinkMonitor.LeftCloud(request.id()));
      if (!done.blockNanos().isEmpty()) {
        partitioner.tell(new Partitioner.Observe(
            new Observation.BlocksTimed(Side.CLOUD, done.fromCut(), done.blockNanos(), now)));
      }
      Map<String, Tensor> outputs = new LinkedHashMap<>(request.edgeOutputs());
      outputs.putAll(decodeOutputs(done.outputs()));
      answer(request, outputs, done.executorId(),
          request.cloudLatency(now, done.queueNanos(), done.serviceNanos()));
    } else if (reply instanceof SegmentExecutorActor.Failed refused) {
      held(refused.requestId(), refused.executorId()).ifPresent(request ->
          fallBack(request, "executor " + refused.executorId() + " refused: " + refused.reason()));
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
      held(replied.requestId(), replied.executorId()).ifPresent(request -> fallBack(request,
          "its answer from " + replied.executorId() + " on the bulk lane is malformed: " + malformed.getMessage()));
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
    held(requestId, executorId).ifPresent(request -> {
      request.ackedAt(now);
      linkMonitor.tell(new LinkMonitor.UplinkAcked(request.id(), now));
    });
  }

  private Optional<PendingRequest<ActorRef<Answer>>> held(long requestId, String executorId) {
    return table.get(requestId).filter(request -> request.phase() == Phase.CLOUD
        && request.executorId().orElse("").equals(executorId));
  }

  private void fallBack(PendingRequest<ActorRef<Answer>> request, String reason) {
    fallBack(request, reason, true);
  }

  /** Takes the request back from its executor; then another executor, if one may be tried, or the edge. */
  private void fallBack(PendingRequest<ActorRef<Answer>> request, String reason, boolean tryAnotherExecutor) {
    String executorId = request.executorId().orElse("");
    fallbacks++;
    getContext().getLog().info("gateway: request {} falls back: {}", request.id(), reason);
    chooser.done(executorId);
    linkMonitor.tell(new LinkMonitor.LeftCloud(request.id()));
    request.fellBack(reason, ticker.nanos());
    if (tryAnotherExecutor) {
      sendToCloud(request, executorId);
    } else {
      finishOnEdge(request, null);
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
    chooser.available(reachable.keySet());
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
    for (String lost : gone) {
      for (PendingRequest<ActorRef<Answer>> request : table.heldBy(lost)) {
        fallBack(request, "executor " + lost + " left or became unreachable");
      }
    }
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
    long requestId = message instanceof SegmentExecutorActor.Run run ? run.requestId()
        : message instanceof SegmentExecutorActor.RunBulk bulkRun ? bulkRun.requestId() : -1;
    if (requestId >= 0) {
      table.get(requestId).filter(request -> request.phase() == Phase.CLOUD).ifPresent(request ->
          fallBack(request, "the message to " + request.executorId().orElse("?") + " was dropped: "
              + dropped.dropped().reason()));
    }
    return this;
  }

  private Behavior<Command> onTick() {
    long now = ticker.nanos();
    for (PendingRequest<ActorRef<Answer>> late : table.overdue(now)) {
      String reason = "no answer from " + late.executorId().orElse("?") + " within "
          + settings.cloudDeadline().toMillis() + " ms (partnner.gateway.cloud-deadline)";
      partitioner.tell(new Partitioner.PathDown(reason));
      // The path itself may be down (a link outage): another executor behind it would only cost another deadline.
      fallBack(late, reason, false);
    }
    return this;
  }

  private void answer(PendingRequest<ActorRef<Answer>> request, Map<String, Tensor> outputs, String servedBy,
      MeasuredLatency latency) {
    if (table.finish(request.id()).isEmpty()) {
      return;
    }
    answered++;
    partitioner.tell(new Partitioner.Observe(
        new Observation.RequestCompleted(request.plan(), latency.totalNanos(), ticker.nanos())));
    request.replyTo().tell(new Answered(new InferenceResult(
        request.id(), outputs, request.plan(), servedBy, request.fallback(), latency)));
  }

  private void fail(PendingRequest<ActorRef<Answer>> request, String reason) {
    if (table.finish(request.id()).isEmpty()) {
      return;
    }
    failed++;
    request.replyTo().tell(new Rejected("failed", "request " + request.id() + " failed: " + reason));
  }

  private Map<String, Tensor> decodeOutputs(Map<String, EncodedTensor> encoded) {
    Map<String, Tensor> outputs = new LinkedHashMap<>();
    encoded.forEach((name, tensor) -> {
      if (outputNames.contains(name)) {
        outputs.put(name, WireCodecs.decode(tensor));
      }
    });
    return outputs;
  }

  private static Map<String, EncodedTensor> rawEncode(Map<String, Tensor> tensors) {
    Map<String, EncodedTensor> encoded = new HashMap<>();
    tensors.forEach((name, tensor) -> encoded.put(name, WireCodecs.byName("raw").encode(tensor)));
    return encoded;
  }
}
