package io.partnner.runtime.serve;

import io.partnner.runtime.estimate.ExecutorLoad;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.plan.CloudDeadline;
import io.partnner.runtime.plan.Observation;
import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.plan.Prediction;
import io.partnner.runtime.plan.Side;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.wire.EncodedTensor;
import io.partnner.runtime.wire.WireCodec;
import io.partnner.runtime.wire.WireCodecs;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The edge's request flow: admission (bounded, so a full edge answers {@code overloaded} at once), the head
 * on the edge, the tail on the cloud executor with the smallest expected completion time, and falling back
 * when that executor leaves, refuses, loses the message or misses its deadline: to another executor, or to
 * the edge from the crossing tensors kept for that. Every admitted request gets exactly one answer. The
 * deadline follows the planner's prediction for the plan ({@link CloudDeadline}); a strategy without one
 * gets the configured deadline, and missing that means the path itself is down.
 *
 * <p>It decides; its owner (the gateway actor) carries the decisions out through {@link Actions} and feeds
 * back what happened. Not thread-safe; time comes in with every call.
 *
 * @param <R> the application's reply handle
 */
public final class RequestFlow<R> {
  private static final WireCodec RAW = WireCodecs.byName("raw");

  /** What the flow asks its owner to do. Calls are made synchronously, in order, from the flow's methods. */
  public interface Actions<R> {
    /** Run the blocks from {@code fromCut} to {@code toCut} on the edge; report with {@link #edgeDone}. */
    void runOnEdge(long requestId, int fromCut, int toCut, String outputCodec, Map<String, EncodedTensor> inputs);

    /** Send the request's crossing tensors ({@code bytes} on the wire) to {@code executorId} for the tail. */
    void sendToCloud(PendingRequest<R> request, String executorId, long bytes, long nowNanos);

    /** The request left the cloud path (answered or taken back): the link monitor stops timing its upload. */
    void leftCloud(long requestId);

    /** The one answer of a request. */
    void answer(R replyTo, InferenceResult result);

    /** The one answer of a request that got no result: {@code kind} overloaded, invalid-input or failed. */
    void reject(R replyTo, String kind, String reason);

    /** Something the planner learns from. */
    void observe(Observation observation);

    /** The cloud path looks down (a deadline without a prediction passed): edge only until it is back. */
    void pathDown(String reason);

    /** A request falls back, for the log. */
    void fellBack(long requestId, String reason);
  }

  /**
   * @param maxInFlight requests admitted at once; more are answered {@code overloaded}
   * @param cloudDeadlineNanos how long a cloud executor has to answer before the edge takes over when there is
   *     no prediction, and the cap on the allowance for variation when there is ({@link CloudDeadline})
   * @param maxCloudAttempts executors tried per request before the edge finishes it
   */
  public record Settings(int maxInFlight, long cloudDeadlineNanos, int maxCloudAttempts) {
    public Settings {
      if (maxInFlight < 1 || cloudDeadlineNanos <= 0 || maxCloudAttempts < 0) {
        throw new IllegalArgumentException("max in flight must be >= 1, the cloud deadline > 0 and the cloud attempts "
            + ">= 0; got " + maxInFlight + ", " + cloudDeadlineNanos + " ns, " + maxCloudAttempts);
      }
    }
  }

  /** Counts so far. */
  public record Stats(long admitted, long rejected, long answered, long failed, long fallbacks, long lateReplies,
      int inFlight, Map<String, Long> assigned, int executors) {}

  private final ModelProfile profile;
  private final String modelName;
  private final int edgeOnly;
  private final Set<String> outputNames = new HashSet<>();
  private final Settings settings;
  private final Actions<R> actions;
  private final RequestTable<R> table;
  private final CloudDeadline deadline;
  // Long enough to bridge the cluster noticing a dead node (its failure detector takes seconds).
  private static final long FAILURE_COOLDOWN_NANOS = 2_000_000_000L;
  private final ExecutorChooser chooser = new ExecutorChooser(FAILURE_COOLDOWN_NANOS);
  // Requests that came before the first plan: served as soon as it arrives (bounded like the table).
  private final ArrayDeque<Waiting<R>> early = new ArrayDeque<>();
  private Set<String> executors = Set.of();
  private Plan plan;
  private Optional<Prediction> planPredicted = Optional.empty();
  private Plan explore;
  private Optional<Prediction> explorePredicted = Optional.empty();
  private long overloaded;
  private long answered;
  private long failed;
  private long fallbacks;
  private long lateReplies;

  private record Waiting<R>(R replyTo, Map<String, Tensor> inputs) {}

  /** A flow for {@code profile}'s model; it admits requests once {@link #planChanged} gave it a plan. */
  public RequestFlow(ModelProfile profile, Settings settings, Actions<R> actions) {
    this.profile = Objects.requireNonNull(profile, "profile");
    this.modelName = profile.modelName();
    this.edgeOnly = profile.cuts().size() - 1;
    profile.outputs().forEach(output -> outputNames.add(output.name()));
    this.settings = Objects.requireNonNull(settings, "settings");
    this.actions = Objects.requireNonNull(actions, "actions");
    this.table = new RequestTable<>(settings.maxInFlight());
    this.deadline = CloudDeadline.withCeiling(java.time.Duration.ofNanos(settings.cloudDeadlineNanos()));
  }

  /** A request: checked, admitted under the plan in force (or the one exploration asked for), head started. */
  public void infer(R replyTo, Map<String, Tensor> inputs, long nowNanos) {
    Optional<String> problem = InputCheck.problem(profile, inputs);
    if (problem.isPresent()) {
      actions.reject(replyTo, "invalid-input", problem.get());
      return;
    }
    if (plan == null) {
      if (early.size() < table.capacity()) {
        early.addLast(new Waiting<>(replyTo, inputs));
      } else {
        rejectOverloaded(replyTo);
      }
      return;
    }
    Plan chosen = explore != null ? explore : plan;
    Optional<Prediction> expected = explore != null ? explorePredicted : planPredicted;
    explore = null;
    Optional<PendingRequest<R>> admitted = table.admit(replyTo, inputs, chosen, nowNanos);
    if (admitted.isEmpty()) {
      rejectOverloaded(replyTo);
      return;
    }
    PendingRequest<R> request = admitted.get();
    request.predicted(expected);
    Map<String, EncodedTensor> encoded = new HashMap<>();
    request.inputs().forEach((name, tensor) -> encoded.put(name, RAW.encode(tensor)));
    if (chosen.cut() == edgeOnly || chooser.availableCount() == 0) {
      if (chosen.cut() != edgeOnly) {
        request.fellBack("no cloud executor available", nowNanos);
      }
      actions.runOnEdge(request.id(), 0, edgeOnly, "raw", encoded);
    } else {
      actions.runOnEdge(request.id(), 0, chosen.cut(), chosen.codec(), encoded);
    }
  }

  /**
   * The planner's new plan and what it expects of it (empty for a strategy that does not model latency);
   * requests that waited for a first plan start now.
   */
  public void planChanged(Plan newPlan, Optional<Prediction> predicted, long nowNanos) {
    plan = Objects.requireNonNull(newPlan, "plan");
    planPredicted = Objects.requireNonNull(predicted, "predicted");
    while (!early.isEmpty()) {
      Waiting<R> waiting = early.removeFirst();
      infer(waiting.replyTo(), waiting.inputs(), nowNanos);
    }
  }

  /** Serve the next request with {@code once} (bounded exploration), then the plan in force again. */
  public void exploreOnce(Plan once, Optional<Prediction> predicted) {
    explore = Objects.requireNonNull(once, "plan");
    explorePredicted = Objects.requireNonNull(predicted, "predicted");
  }

  /** The planner's expectation of the plan in force moved (conditions changed, the plan did not). */
  public void predictionChanged(Plan forPlan, Optional<Prediction> predicted) {
    if (forPlan.equals(plan)) {
      planPredicted = Objects.requireNonNull(predicted, "predicted");
    }
  }

  /** The cloud-load monitor's latest view, for choosing executors. */
  public void loads(List<ExecutorLoad> latest) {
    chooser.loads(latest);
  }

  /** The edge finished blocks {@code fromCut..toCut} of a request. */
  public void edgeDone(long requestId, int fromCut, int toCut, Map<String, EncodedTensor> outputs,
      List<Long> blockNanos, long serviceNanos, long encodeNanos, long nowNanos) {
    Optional<PendingRequest<R>> found = table.get(requestId);
    if (found.isEmpty()) {
      return;
    }
    PendingRequest<R> request = found.get();
    if (!blockNanos.isEmpty()) {
      actions.observe(new Observation.BlocksTimed(Side.EDGE, fromCut, blockNanos, nowNanos));
    }
    if (toCut == edgeOnly) {
      request.edgeRan(serviceNanos);
      Map<String, Tensor> result = new LinkedHashMap<>(request.edgeOutputs());
      result.putAll(modelOutputs(outputs));
      answer(request, result, "edge", request.edgeLatency(nowNanos), nowNanos);
      return;
    }
    Map<String, EncodedTensor> crossing = new LinkedHashMap<>();
    for (TensorSpec spec : profile.cuts().get(toCut).crossing()) {
      EncodedTensor tensor = outputs.get(spec.name());
      if (tensor != null) {
        crossing.put(spec.name(), tensor);
      }
    }
    Map<String, Tensor> finished = new LinkedHashMap<>();
    outputs.forEach((name, tensor) -> {
      if (outputNames.contains(name) && !crossing.containsKey(name)) {
        finished.put(name, WireCodecs.decode(tensor));
      }
    });
    request.headDone(serviceNanos - encodeNanos, encodeNanos, crossing, finished);
    sendToCloud(request, null, nowNanos);
  }

  /** The edge executor refused or failed a request: nothing else can run it. */
  public void edgeFailed(long requestId, String reason) {
    table.get(requestId).ifPresent(request -> fail(request, reason));
  }

  /** The cloud executor confirmed receipt of a request it holds; returns whether it still holds it. */
  public boolean cloudReceived(long requestId, String executorId, long nowNanos) {
    Optional<PendingRequest<R>> held = held(requestId, executorId);
    held.ifPresent(request -> {
      request.ackedAt(nowNanos);
      request.deadline(deadline.deadlineAfterReceiptNanos(request.deadlineNanos(), nowNanos, request.predicted()));
    });
    return held.isPresent();
  }

  /** A cloud executor's result; one for a request it no longer holds is counted and ignored. */
  public void cloudDone(long requestId, String executorId, int fromCut, Map<String, EncodedTensor> outputs,
      List<Long> blockNanos, long queueNanos, long serviceNanos, long nowNanos) {
    Optional<PendingRequest<R>> held = held(requestId, executorId);
    if (held.isEmpty()) {
      lateReplies++;
      return;
    }
    PendingRequest<R> request = held.get();
    chooser.done(executorId);
    chooser.answered(executorId);
    actions.leftCloud(requestId);
    if (!blockNanos.isEmpty()) {
      actions.observe(new Observation.BlocksTimed(Side.CLOUD, fromCut, blockNanos, nowNanos));
    }
    Map<String, Tensor> result = new LinkedHashMap<>(request.edgeOutputs());
    result.putAll(modelOutputs(outputs));
    answer(request, result, executorId, request.cloudLatency(nowNanos, queueNanos, serviceNanos), nowNanos);
  }

  /**
   * The executor holding a request refused or failed it, or its transfer broke ({@code reason} says which):
   * another executor, or the edge.
   */
  public void cloudFailed(long requestId, String executorId, String reason, long nowNanos) {
    held(requestId, executorId).ifPresent(request -> fallBack(request, reason, true, nowNanos));
  }

  /** The cloud executors reachable now; requests held by one that is gone fall back. */
  public void executorsChanged(Set<String> reachable, long nowNanos) {
    Set<String> gone = new HashSet<>(executors);
    gone.removeAll(reachable);
    executors = Set.copyOf(reachable);
    chooser.available(executors);
    for (String lost : gone) {
      for (PendingRequest<R> request : table.heldBy(lost)) {
        fallBack(request, "executor " + lost + " left or became unreachable", true, nowNanos);
      }
    }
  }

  /** The transport dropped the message that carried a request to the cloud (too large, or a full queue). */
  public void dropped(long requestId, String reason, long nowNanos) {
    table.get(requestId).filter(request -> request.phase() == Phase.CLOUD).ifPresent(request ->
        fallBack(request, "the message to " + request.executorId().orElse("?") + " was dropped: " + reason, true,
            nowNanos));
  }

  /**
   * Takes back every cloud request whose deadline passed, to finish on the edge: another executor behind
   * the same link would only cost another deadline. Against a prediction, the planner learns what was late
   * (the uplink, without a receipt; the cloud or the way back, with one) and re-plans; without one, the
   * path counts as down until a transfer completes again.
   */
  public void tick(long nowNanos) {
    for (PendingRequest<R> late : table.overdue(nowNanos)) {
      String executor = late.executorId().orElse("?");
      long waited = nowNanos - late.sentNanos();
      if (late.predicted().isPresent()) {
        String reason = String.format(java.util.Locale.ROOT,
            "no answer from %s after %.1f ms, predicted %.1f ms (%s)", executor, waited / 1e6,
            late.predicted().get().latency().totalNanos() / 1e6, late.acked() ? "the cloud had it" : "no receipt");
        actions.observe(new Observation.CloudOverdue(late.plan(), crossingBytes(late), late.sentNanos(),
            late.acked() ? OptionalLong.of(late.ackedNanos()) : OptionalLong.empty(), nowNanos));
        fallBack(late, reason, false, nowNanos);
      } else {
        String reason = "no answer from " + executor + " within " + settings.cloudDeadlineNanos() / 1_000_000
            + " ms (partnner.gateway.cloud-deadline)";
        actions.pathDown(reason);
        fallBack(late, reason, false, nowNanos);
      }
    }
  }

  /** Counts so far. */
  public Stats stats() {
    return new Stats(table.admitted(), overloaded, answered, failed, fallbacks, lateReplies, table.size(),
        chooser.assigned(), executors.size());
  }

  /** Whether the gateway holds no request (for tests and shutdown). */
  public boolean idle() {
    return table.size() == 0 && early.isEmpty();
  }

  private void sendToCloud(PendingRequest<R> request, String avoid, long nowNanos) {
    Optional<String> chosen = chooser.choose(nowNanos);
    if (chosen.isEmpty() || chosen.get().equals(avoid) || request.cloudAttempts() >= settings.maxCloudAttempts()) {
      finishOnEdge(request, chosen.isEmpty() ? "no cloud executor available" : null, nowNanos);
      return;
    }
    String executorId = chosen.get();
    long bytes = crossingBytes(request);
    chooser.sent(executorId);
    request.sentToCloud(executorId, nowNanos, deadline.deadlineNanos(nowNanos, request.predicted()));
    actions.sendToCloud(request, executorId, bytes, nowNanos);
  }

  private static long crossingBytes(PendingRequest<?> request) {
    long bytes = 0;
    for (EncodedTensor tensor : request.crossing().values()) {
      bytes += tensor.encodedBytes();
    }
    return bytes;
  }

  private void finishOnEdge(PendingRequest<R> request, String reason, long nowNanos) {
    if (reason != null) {
      request.fellBack(reason, nowNanos);
    }
    actions.runOnEdge(request.id(), request.plan().cut(), edgeOnly, "raw", request.crossing());
  }

  private Optional<PendingRequest<R>> held(long requestId, String executorId) {
    return table.get(requestId).filter(request -> request.phase() == Phase.CLOUD
        && request.executorId().orElse("").equals(executorId));
  }

  /** Takes the request back from its executor; then another executor, if one may be tried, or the edge. */
  private void fallBack(PendingRequest<R> request, String reason, boolean tryAnotherExecutor, long nowNanos) {
    String executorId = request.executorId().orElse("");
    fallbacks++;
    actions.fellBack(request.id(), reason);
    chooser.done(executorId);
    chooser.failed(executorId, nowNanos);
    actions.leftCloud(request.id());
    request.fellBack(reason, nowNanos);
    if (tryAnotherExecutor) {
      sendToCloud(request, executorId, nowNanos);
    } else {
      finishOnEdge(request, null, nowNanos);
    }
  }

  private void answer(PendingRequest<R> request, Map<String, Tensor> outputs, String servedBy,
      MeasuredLatency latency, long nowNanos) {
    if (table.finish(request.id()).isEmpty()) {
      return;
    }
    answered++;
    actions.observe(new Observation.RequestCompleted(request.plan(), latency.totalNanos(), nowNanos));
    actions.answer(request.replyTo(), new InferenceResult(
        request.id(), outputs, request.plan(), servedBy, request.fallback(), latency));
  }

  private void fail(PendingRequest<R> request, String reason) {
    if (table.finish(request.id()).isEmpty()) {
      return;
    }
    failed++;
    actions.reject(request.replyTo(), "failed", "request " + request.id() + " failed: " + reason);
  }

  private void rejectOverloaded(R replyTo) {
    overloaded++;
    actions.reject(replyTo, "overloaded", "edge gateway for " + modelName + " is overloaded: "
        + Math.max(table.size(), early.size()) + " requests in flight (partnner.gateway.max-in-flight = "
        + table.capacity() + "); try again later");
  }

  private Map<String, Tensor> modelOutputs(Map<String, EncodedTensor> encoded) {
    Map<String, Tensor> outputs = new LinkedHashMap<>();
    encoded.forEach((name, tensor) -> {
      if (outputNames.contains(name)) {
        outputs.put(name, WireCodecs.decode(tensor));
      }
    });
    return outputs;
  }
}
