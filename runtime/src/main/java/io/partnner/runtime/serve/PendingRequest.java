package io.partnner.runtime.serve;

import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.plan.Prediction;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.wire.EncodedTensor;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One admitted request and what the gateway has measured of it so far. The edge keeps the crossing
 * tensors until the answer, so that the edge (or another executor) can finish a request whose cloud
 * executor is lost.
 *
 * @param <R> the application's reply handle
 */
public final class PendingRequest<R> {
  private final long id;
  private final R replyTo;
  private final Map<String, Tensor> inputs;
  private final Plan plan;
  private final long admittedNanos;
  private Phase phase = Phase.EDGE;
  private long edgeNanos;
  private long encodeNanos;
  private Map<String, EncodedTensor> crossing = Map.of();
  private Map<String, Tensor> edgeOutputs = Map.of();
  private String executorId;
  private long sentNanos;
  private long ackedNanos;
  private long deadlineNanos = Long.MAX_VALUE;
  private int cloudAttempts;
  private String fallback;
  private long fallbackNanos;
  private Optional<Prediction> predicted = Optional.empty();

  PendingRequest(long id, R replyTo, Map<String, Tensor> inputs, Plan plan, long admittedNanos) {
    this.id = id;
    this.replyTo = Objects.requireNonNull(replyTo, "replyTo");
    this.inputs = Map.copyOf(inputs);
    this.plan = Objects.requireNonNull(plan, "plan");
    this.admittedNanos = admittedNanos;
  }

  public long id() {
    return id;
  }

  public R replyTo() {
    return replyTo;
  }

  public Map<String, Tensor> inputs() {
    return inputs;
  }

  /** The plan the request was admitted under. */
  public Plan plan() {
    return plan;
  }

  public Phase phase() {
    return phase;
  }

  public long admittedNanos() {
    return admittedNanos;
  }

  /** The executor holding the request while in {@link Phase#CLOUD}. */
  public Optional<String> executorId() {
    return Optional.ofNullable(executorId);
  }

  public Map<String, EncodedTensor> crossing() {
    return crossing;
  }

  /** Model outputs the head computed (a model may produce outputs before the cut). */
  public Map<String, Tensor> edgeOutputs() {
    return edgeOutputs;
  }

  public long sentNanos() {
    return sentNanos;
  }

  public long deadlineNanos() {
    return deadlineNanos;
  }

  public int cloudAttempts() {
    return cloudAttempts;
  }

  public Optional<String> fallback() {
    return Optional.ofNullable(fallback);
  }

  /** True once the cloud's receipt for the current attempt arrived. */
  public boolean acked() {
    return ackedNanos != 0;
  }

  /** When the cloud's receipt came back; meaningful only while {@link #acked()}. */
  public long ackedNanos() {
    return ackedNanos;
  }

  /** What the planner expected of the plan when the request went to the cloud, if it models latency. */
  public Optional<Prediction> predicted() {
    return predicted;
  }

  /** Records the planner's expectation, which sets how long the cloud may take ({@link io.partnner.runtime.plan.CloudDeadline}). */
  public void predicted(Optional<Prediction> expectation) {
    predicted = Objects.requireNonNull(expectation, "expectation");
  }

  /** Moves the deadline of a request in the cloud (its receipt came, so what is left is due later or sooner). */
  public void deadline(long nanos) {
    deadlineNanos = nanos;
  }

  /** The head ran and its crossing tensors were encoded. */
  public void headDone(long edgeNanos, long encodeNanos, Map<String, EncodedTensor> crossing,
      Map<String, Tensor> edgeOutputs) {
    this.edgeNanos += edgeNanos;
    this.encodeNanos += encodeNanos;
    this.crossing = Map.copyOf(crossing);
    this.edgeOutputs = Map.copyOf(edgeOutputs);
  }

  /** Handed to {@code executor} at {@code nowNanos}; it must answer before {@code deadlineNanos}. */
  public void sentToCloud(String executor, long nowNanos, long deadline) {
    phase = Phase.CLOUD;
    executorId = Objects.requireNonNull(executor, "executor");
    sentNanos = nowNanos;
    ackedNanos = 0;
    deadlineNanos = deadline;
    cloudAttempts++;
  }

  /** The cloud's receipt arrived. */
  public void ackedAt(long nowNanos) {
    ackedNanos = nowNanos;
  }

  /** The cloud path failed for {@code reason}: the edge takes over. */
  public void fellBack(String reason, long nowNanos) {
    if (phase == Phase.CLOUD) {
      fallbackNanos += nowNanos - sentNanos;
    }
    phase = Phase.EDGE;
    executorId = null;
    deadlineNanos = Long.MAX_VALUE;
    fallback = fallback == null ? reason : fallback + "; " + reason;
  }

  /** Edge compute added after a fallback (the tail on the edge). */
  public void edgeRan(long nanos) {
    edgeNanos += nanos;
  }

  /** The latency of a request answered by the edge at {@code nowNanos}. */
  public MeasuredLatency edgeLatency(long nowNanos) {
    return new MeasuredLatency(edgeNanos, encodeNanos, 0, 0, 0, 0, fallbackNanos, nowNanos - admittedNanos);
  }

  /**
   * The latency of a request answered by the cloud at {@code nowNanos}, with the queue and compute times
   * the executor measured; the receipt splits the link time into up and down.
   */
  public MeasuredLatency cloudLatency(long nowNanos, long queueNanos, long cloudNanos) {
    long acked = ackedNanos != 0 ? ackedNanos : nowNanos;
    long up = Math.max(0, acked - sentNanos);
    long down = Math.max(0, nowNanos - acked - queueNanos - cloudNanos);
    return new MeasuredLatency(edgeNanos, encodeNanos, up, queueNanos, cloudNanos, down, fallbackNanos,
        nowNanos - admittedNanos);
  }
}
