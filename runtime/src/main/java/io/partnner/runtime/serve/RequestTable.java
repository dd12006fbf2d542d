package io.partnner.runtime.serve;

import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's requests in flight, bounded: admission fails when it is full (the caller answers with an
 * overload error rather than queueing without limit). A request leaves the table exactly once, through
 * {@link #finish}; anything arriving for an id no longer here (a late cloud result after a fallback) is
 * recognised as stale. Not thread-safe: the gateway actor owns it.
 *
 * @param <R> the application's reply handle
 */
public final class RequestTable<R> {
  private final int capacity;
  private final Map<Long, PendingRequest<R>> requests = new LinkedHashMap<>();
  private long nextId = 1;
  private long admitted;
  private long rejected;
  private long finished;

  /** A table holding at most {@code capacity} requests. */
  public RequestTable(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** Admits a request under {@code plan}, or returns empty when {@code capacity} requests are in flight. */
  public Optional<PendingRequest<R>> admit(R replyTo, Map<String, Tensor> inputs, Plan plan, long nowNanos) {
    if (requests.size() >= capacity) {
      rejected++;
      return Optional.empty();
    }
    PendingRequest<R> request = new PendingRequest<>(nextId++, replyTo, inputs, plan, nowNanos);
    requests.put(request.id(), request);
    admitted++;
    return Optional.of(request);
  }

  /** The request with this id, if it is still in flight. */
  public Optional<PendingRequest<R>> get(long id) {
    return Optional.ofNullable(requests.get(id));
  }

  /** Removes the request for its one answer; empty when it was already answered (or never existed). */
  public Optional<PendingRequest<R>> finish(long id) {
    PendingRequest<R> request = requests.remove(id);
    if (request != null) {
      finished++;
    }
    return Optional.ofNullable(request);
  }

  /** Requests currently held by {@code executorId}, oldest first. */
  public List<PendingRequest<R>> heldBy(String executorId) {
    List<PendingRequest<R>> held = new ArrayList<>();
    for (PendingRequest<R> request : requests.values()) {
      if (request.phase() == Phase.CLOUD && request.executorId().orElse("").equals(executorId)) {
        held.add(request);
      }
    }
    return held;
  }

  /** Requests in the cloud whose deadline has passed at {@code nowNanos}, oldest first. */
  public List<PendingRequest<R>> overdue(long nowNanos) {
    List<PendingRequest<R>> late = new ArrayList<>();
    for (PendingRequest<R> request : requests.values()) {
      if (request.phase() == Phase.CLOUD && request.deadlineNanos() <= nowNanos) {
        late.add(request);
      }
    }
    return late;
  }

  /** Every request in flight, oldest first. */
  public List<PendingRequest<R>> all() {
    return new ArrayList<>(requests.values());
  }

  /** Requests in the cloud phase now. */
  public int inCloud() {
    int count = 0;
    for (PendingRequest<R> request : requests.values()) {
      if (request.phase() == Phase.CLOUD) {
        count++;
      }
    }
    return count;
  }

  public int size() {
    return requests.size();
  }

  public int capacity() {
    return capacity;
  }

  /** Requests admitted, rejected for overload, and finished so far. */
  public long admitted() {
    return admitted;
  }

  public long rejected() {
    return rejected;
  }

  public long finished() {
    return finished;
  }
}
