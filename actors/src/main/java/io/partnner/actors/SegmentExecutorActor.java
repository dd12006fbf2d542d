package io.partnner.actors;

import io.partnner.actors.wire.TensorMessage;
import io.partnner.actors.wire.WireMessage;
import io.partnner.runtime.exec.SegmentExecutor;
import io.partnner.runtime.exec.SegmentResult;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.serve.WorkQueue;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.time.Ticker;
import io.partnner.runtime.wire.BulkDelivery;
import io.partnner.runtime.wire.BulkHandler;
import io.partnner.runtime.wire.BulkReceiver;
import io.partnner.runtime.wire.BulkRequest;
import io.partnner.runtime.wire.EncodedTensor;
import io.partnner.runtime.wire.WireCodec;
import io.partnner.runtime.wire.WireCodecs;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Runs ranges of one model's blocks, on the edge (the head, or the whole model) or in the cloud (the
 * tail). Owns the model's {@link SegmentExecutor} and a bounded {@link WorkQueue}; one job runs at a time,
 * on the ONNX Runtime dispatcher, never on the actor's thread. A cloud executor acknowledges each request
 * on receipt (the edge times the uplink by it) and reports its queue and service time with every reply.
 */
public final class SegmentExecutorActor extends AbstractBehavior<SegmentExecutorActor.Command> {
  /** What an executor is asked. */
  public sealed interface Command {}

  /**
   * Run the blocks between cut {@code fromCut} and cut {@code toCut} on {@code inputs}; encode the tensors
   * crossing {@code toCut} with {@code outputCodec} (model outputs always go raw).
   */
  public record Run(long requestId, String modelHash, int fromCut, int toCut, String outputCodec,
      Map<String, EncodedTensor> inputs, ActorRef<Reply> replyTo) implements Command, TensorMessage {
    public Run {
      inputs = Map.copyOf(inputs);
    }
  }

  /** Where to push requests on the bulk lane: answered with {@link Lane}. */
  public record GetLane(ActorRef<Reply> replyTo) implements Command, WireMessage {}

  /** Report the load now. */
  public record GetLoad(ActorRef<LoadReport> replyTo) implements Command, WireMessage {}

  /** One part of an uplink probe: acknowledged at once, the padding only occupies the link. */
  public record ProbeUp(long probeId, int part, byte[] padding, ActorRef<Reply> replyTo)
      implements Command, TensorMessage {}

  /** A downlink probe: send back a head and a tail of these sizes at once. */
  public record ProbeDown(long probeId, int headBytes, int tailBytes, ActorRef<Reply> replyTo)
      implements Command, WireMessage {}

  /** A job's work ended; when it succeeded, its {@link Done} is on its way (told, or being written on the lane). */
  private record Finished(Job job, Throwable failure) implements Command, NoSerializationVerificationNeeded {}

  /**
   * A request that came by the bulk lane, in the frame with its inputs, handed over by the node's receiver: it never
   * crosses Artery, and is acknowledged and answered on the lane's connection.
   */
  private record FromLane(BulkDelivery delivery) implements Command, NoSerializationVerificationNeeded {}

  /** What an executor answers. */
  public sealed interface Reply {}

  /** A run request arrived; the executor's load at that moment. */
  public record Received(long requestId, String executorId, int queueLength, long meanServiceNanos)
      implements Reply, WireMessage {}

  /**
   * A run finished: the tensors crossing {@code toCut} (encoded) and the model outputs computed in the
   * range (raw), each block's time, and how long the request waited and was served here.
   */
  public record Done(long requestId, String executorId, int fromCut, int toCut, Map<String, EncodedTensor> outputs,
      List<Long> blockNanos, long queueNanos, long serviceNanos, long encodeNanos, int queueLength,
      long meanServiceNanos) implements Reply, TensorMessage {
    public Done {
      outputs = Map.copyOf(outputs);
      blockNanos = List.copyOf(blockNanos);
    }
  }

  /** A run that was refused or failed; {@code overloaded} when the queue was full. */
  public record Failed(long requestId, String executorId, String reason, boolean overloaded)
      implements Reply, WireMessage {}

  /** An uplink probe part arrived. */
  public record ProbeAck(long probeId, int part) implements Reply, WireMessage {}

  /** One part of a downlink probe. */
  public record ProbePayload(long probeId, int part, byte[] padding) implements Reply, TensorMessage {}

  /** This executor's bulk lane: {@code host:port} of its node's receiver, empty when it has none. */
  public record Lane(String executorId, String endpoint) implements Reply, WireMessage {}

  /** An executor's load: requests waiting or in service, and its recent mean service time. */
  public record LoadReport(String executorId, int queueLength, long meanServiceNanos) implements WireMessage {}

  /**
   * A run to serve, how long it waited in the queue, and when its service started; the bulk delivery it came by,
   * which its answers go back by (null for a {@link Run} over Artery; the run's {@code replyTo} is null otherwise).
   */
  private record Job(Run run, long waitedNanos, long startedNanos, BulkDelivery delivery) {}

  /** Largest probe part an executor sends back (16 MiB): a peer cannot make it allocate more. */
  static final int MAX_PROBE_BYTES = 16 << 20;

  /** The receptionist key cloud executors of the model with this content hash register under. */
  public static org.apache.pekko.actor.typed.receptionist.ServiceKey<Command> serviceKey(String modelHash) {
    return org.apache.pekko.actor.typed.receptionist.ServiceKey.create(Command.class, "partnner-executor-" + modelHash);
  }

  /** Name of the dispatcher that runs ONNX Runtime work. */
  public static final String DISPATCHER = "partnner.onnx-dispatcher";

  private final String executorId;
  private final ModelProfile profile;
  private final SegmentExecutor executor;
  private final WorkQueue<Job> queue;
  private final boolean acknowledge;
  private final Executor onnx;
  private final Ticker ticker;
  private final Optional<BulkReceiver> lane;
  private final BulkHandler laneHandler;
  // The queue's load as the actor last left it, for the replies the ONNX Runtime threads send.
  private volatile int publishedLength;
  private volatile double publishedMeanService = Double.NaN;

  /**
   * An executor serving {@code profile}'s model with {@code executor}. It closes the executor when it stops.
   *
   * @param executorId the identity it reports (the edge's routing key); null for its own full address
   * @param acknowledge true on the cloud: acknowledge each request when it is taken on, a {@link Run} with
   *     {@link Received}, one that came by the bulk lane on its connection
   * @param lane its node's bulk lane receiver, which hands it the requests for its model that come that way; none
   *     on the edge
   */
  public static Behavior<Command> create(String executorId, ModelProfile profile, SegmentExecutor executor,
      int queueCapacity, double serviceWeight, boolean acknowledge, Optional<BulkReceiver> lane) {
    return Behaviors.setup(context -> new SegmentExecutorActor(
        context, executorId, profile, executor, queueCapacity, serviceWeight, acknowledge, lane));
  }

  private SegmentExecutorActor(ActorContext<Command> context, String executorId, ModelProfile profile,
      SegmentExecutor executor, int queueCapacity, double serviceWeight, boolean acknowledge,
      Optional<BulkReceiver> lane) {
    super(context);
    this.lane = lane;
    this.executorId = executorId != null ? executorId
        : org.apache.pekko.actor.typed.ActorRefResolver.get(context.getSystem()).toSerializationFormat(context.getSelf());
    this.profile = profile;
    this.executor = executor;
    this.ticker = Ticker.system();
    this.queue = new WorkQueue<>(queueCapacity, serviceWeight, ticker);
    this.acknowledge = acknowledge;
    this.onnx = context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig(DISPATCHER));
    ActorRef<Command> self = context.getSelf();
    // Called on the lane's reading thread: a tell, nothing more.
    this.laneHandler = delivery -> self.tell(new FromLane(delivery));
    lane.ifPresent(receiver -> receiver.register(profile.contentHash(), laneHandler));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Run.class, this::onRun)
        .onMessage(FromLane.class, this::onFromLane)
        .onMessage(Finished.class, this::onFinished)
        .onMessage(GetLane.class, get -> {
          get.replyTo().tell(new Lane(executorId, lane.map(BulkReceiver::endpoint).orElse("")));
          return this;
        })
        .onMessage(GetLoad.class, get -> {
          get.replyTo().tell(new LoadReport(executorId, queue.length(), queue.meanServiceNanos()));
          return this;
        })
        .onMessage(ProbeUp.class, probe -> {
          probe.replyTo().tell(new ProbeAck(probe.probeId(), probe.part()));
          return this;
        })
        .onMessage(ProbeDown.class, this::onProbeDown)
        .onSignal(org.apache.pekko.actor.typed.PostStop.class, stop -> {
          lane.ifPresent(receiver -> receiver.unregister(profile.contentHash(), laneHandler));
          executor.close();
          return this;
        })
        .build();
  }

  private Behavior<Command> onRun(Run run) {
    String problem = check(run.modelHash(), run.fromCut(), run.toCut(), run.outputCodec());
    if (problem == null) {
      problem = checkInputs(run.fromCut(), run.inputs());
    }
    return accept(new Job(run, 0, 0, null), problem);
  }

  private Behavior<Command> onFromLane(FromLane fromLane) {
    BulkDelivery delivery = fromLane.delivery();
    BulkRequest request = delivery.request();
    Run run = new Run(request.requestId(), request.modelHash(), request.fromCut(), request.toCut(),
        request.outputCodec(), delivery.tensors(), null);
    String problem = check(run.modelHash(), run.fromCut(), run.toCut(), run.outputCodec());
    if (problem == null) {
      problem = checkInputs(run.fromCut(), run.inputs());
    }
    return accept(new Job(run, 0, 0, delivery), problem);
  }

  /** Answers a job with a failure, the way it came; the pooled arrays of a job never started go back unused. */
  private void fail(Job job, String reason, boolean overloaded) {
    Run run = job.run();
    if (job.delivery() != null) {
      if (job.startedNanos() == 0) {
        run.inputs().values().forEach(encoded -> encoded.release(List.of()));
      }
      // On the lane, from its writer thread: this actor does not wait for the socket.
      job.delivery().refuse(reason);
    } else {
      run.replyTo().tell(new Failed(run.requestId(), executorId, reason, overloaded));
    }
  }

  /** Queues a run, or refuses it; a taken run is acknowledged through its bulk delivery, if it came with one. */
  private Behavior<Command> accept(Job job, String problem) {
    Run run = job.run();
    BulkDelivery delivery = job.delivery();
    if (problem != null) {
      getContext().getLog().warn("executor {}: refused request {}: {}", executorId, run.requestId(), problem);
      fail(job, problem, false);
      return this;
    }
    if (!queue.offer(job)) {
      fail(job, "executor " + executorId + " is overloaded: " + queue.length() + " requests queued "
          + "(partnner.executor.queue-capacity = " + queue.capacity() + ")", true);
      return this;
    }
    if (acknowledge && delivery != null) {
      // Back on the connection the inputs came by: the edge learns it sooner than through Artery.
      delivery.acknowledge(queue.length(), queue.meanServiceNanos());
    } else if (acknowledge) {
      run.replyTo().tell(new Received(run.requestId(), executorId, queue.length(), queue.meanServiceNanos()));
    }
    startNext();
    publishLoad();
    return this;
  }

  private String check(String modelHash, int fromCut, int toCut, String outputCodec) {
    if (!profile.contentHash().equals(modelHash)) {
      return "unknown model hash " + modelHash + "; this executor serves " + profile.modelName() + " ("
          + profile.contentHash() + ")";
    }
    int last = profile.cuts().size() - 1;
    if (fromCut < 0 || toCut > last || fromCut > toCut) {
      return "cuts " + fromCut + ".." + toCut + " are out of range for " + profile.modelName() + " (cuts 0.." + last + ")";
    }
    try {
      WireCodecs.byName(outputCodec);
    } catch (IllegalArgumentException unknown) {
      return unknown.getMessage();
    }
    return null;
  }

  private String checkInputs(int fromCut, Map<String, EncodedTensor> inputs) {
    List<TensorSpec> expected = fromCut == 0 ? profile.inputs() : profile.cuts().get(fromCut).crossing();
    for (TensorSpec spec : expected) {
      EncodedTensor given = inputs.get(spec.name());
      if (given == null) {
        return "input '" + spec.name() + "' for cut " + fromCut + " is missing";
      }
      if (given.dataType() != spec.dataType() || !given.shape().equals(spec.shape())) {
        return "input '" + spec.name() + "' for cut " + fromCut + " should be " + spec.dataType() + " "
            + spec.shape() + ", got " + given.dataType() + " " + given.shape();
      }
    }
    return null;
  }

  private void startNext() {
    queue.start().ifPresent(started -> {
      Job job = new Job(started.job().run(), started.waitedNanos(), ticker.nanos(), started.job().delivery());
      ActorRef<Command> self = getContext().getSelf();
      // A job that succeeds tells its Finished itself, before its answer is written; one that fails, here.
      CompletableFuture.runAsync(() -> work(job, self), onnx).whenComplete((done, failure) -> {
        if (failure != null) {
          self.tell(new Finished(job, failure));
        }
      });
    });
  }

  private void publishLoad() {
    publishedLength = queue.length();
    publishedMeanService = queue.meanService();
  }

  /**
   * Runs on the ONNX Runtime dispatcher, and sends the {@link Done} from there: the request's answer does not wait
   * for a hop through this actor's mailbox (one thread wake-up, 0.05-0.1 ms here), which only does the bookkeeping
   * when {@link Finished} arrives. A failure is answered by the actor instead, so each request gets one answer.
   * {@link Finished} is told before a lane answer is written (by this thread, which may wait for the socket), so the
   * next job starts on another thread meanwhile.
   */
  private void work(Job job, ActorRef<Command> self) {
    Run run = job.run();
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    Map<String, EncodedTensor> received = run.inputs();
    received.forEach((name, encoded) -> inputs.put(name, WireCodecs.decode(encoded)));
    SegmentResult result = null;
    try {
      result = run.fromCut() == run.toCut()
          ? new SegmentResult(inputs, List.of(), 0)
          : executor.run(run.fromCut(), run.toCut(), inputs);
    } finally {
      // Received payloads go back to the serializer's pool for the next message, except where an output
      // still shares their memory (a pass-through, or a raw decoding handed on unchanged).
      Collection<Tensor> stillInUse = result == null ? List.of() : result.outputs().values();
      received.values().forEach(encoded -> encoded.release(stillInUse));
    }
    long encodeStart = ticker.nanos();
    Set<String> crossing = new HashSet<>();
    for (TensorSpec spec : profile.cuts().get(run.toCut()).crossing()) {
      crossing.add(spec.name());
    }
    WireCodec codec = WireCodecs.byName(run.outputCodec());
    WireCodec raw = WireCodecs.byName("raw");
    Map<String, EncodedTensor> outputs = new LinkedHashMap<>();
    result.outputs().forEach((name, tensor) -> outputs.put(name,
        crossing.contains(name) && codec.supports(tensor) ? codec.encode(tensor) : raw.encode(tensor)));
    long end = ticker.nanos();
    long service = end - job.startedNanos();
    // The load as it is once this job is done: the queue still counts it, the mean does not yet.
    Done done = new Done(run.requestId(), executorId, run.fromCut(), run.toCut(), outputs, result.blockNanos(),
        job.waitedNanos(), service, end - encodeStart, Math.max(0, publishedLength - 1),
        Math.round(WorkQueue.nextMean(publishedMeanService, service, queue.weight())));
    // Neither way back throws (the lane's writer handles its own failures), so Finished is told only once.
    if (job.delivery() != null) {
      byte[] note = LaneReplies.note(done);
      self.tell(new Finished(job, null));
      // Back the way the request came, on the bulk lane's connection, written by this thread (not an actor's).
      job.delivery().reply(note, done.outputs());
    } else {
      // The answer first: on the edge the gateway shares this executor's thread, and a tell does not wait.
      run.replyTo().tell(done);
      self.tell(new Finished(job, null));
    }
  }

  private Behavior<Command> onFinished(Finished finished) {
    queue.finish();
    Run run = finished.job().run();
    if (finished.failure() != null) {
      Throwable cause = finished.failure() instanceof java.util.concurrent.CompletionException wrapped
          && wrapped.getCause() != null ? wrapped.getCause() : finished.failure();
      String reason = "executor " + executorId + " failed on request " + run.requestId() + " (cuts " + run.fromCut()
          + ".." + run.toCut() + "): " + cause;
      getContext().getLog().error(reason, cause);
      fail(finished.job(), reason, false);
    }
    startNext();
    publishLoad();
    return this;
  }

  private Behavior<Command> onProbeDown(ProbeDown probe) {
    if (probe.headBytes() < 0 || probe.tailBytes() < 0 || probe.headBytes() > MAX_PROBE_BYTES
        || probe.tailBytes() > MAX_PROBE_BYTES) {
      getContext().getLog().warn("executor {}: refused a downlink probe of {} + {} bytes (limit {} each)", executorId,
          probe.headBytes(), probe.tailBytes(), MAX_PROBE_BYTES);
      return this;
    }
    probe.replyTo().tell(new ProbePayload(probe.probeId(), 0, new byte[probe.headBytes()]));
    probe.replyTo().tell(new ProbePayload(probe.probeId(), 1, new byte[probe.tailBytes()]));
    return this;
  }
}
