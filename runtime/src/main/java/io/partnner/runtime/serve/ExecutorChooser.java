package io.partnner.runtime.serve;

import io.partnner.runtime.estimate.ExecutorLoad;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Picks the cloud executor with the smallest expected completion time for the next request: its
 * reported queue or this edge's own requests in flight there (whichever is larger, since the report
 * may predate them), plus one, times its service time. An executor with no service time yet is
 * priced at the pool's mean; ties go to the one given the fewest requests, so a joining executor gets work
 * at once. An executor that just failed a request (refused it, lost its connection, dropped it) is passed
 * over for a while unless every executor did: a node that died looks idle until the cluster notices, and
 * would otherwise draw every request only to fail it. Not thread-safe: the gateway owns it.
 */
public final class ExecutorChooser {
  private final Set<String> available = new LinkedHashSet<>();
  private final Map<String, ExecutorLoad> loads = new HashMap<>();
  private final Map<String, Integer> inFlight = new HashMap<>();
  private final Map<String, Long> assigned = new HashMap<>();
  private final Map<String, Long> avoidedUntil = new HashMap<>();
  private final long failureCooldownNanos;

  /** A chooser that passes over an executor for {@code failureCooldownNanos} after it failed a request. */
  public ExecutorChooser(long failureCooldownNanos) {
    if (failureCooldownNanos < 0) {
      throw new IllegalArgumentException("failure cool-down must be >= 0 ns, got " + failureCooldownNanos);
    }
    this.failureCooldownNanos = failureCooldownNanos;
  }

  /** Replaces the set of executors that can take work (the receptionist's reachable ones). */
  public void available(Set<String> executorIds) {
    available.clear();
    available.addAll(executorIds);
    loads.keySet().retainAll(executorIds);
    avoidedUntil.keySet().retainAll(executorIds);
  }

  /** The latest load estimates of the executors. */
  public void loads(List<ExecutorLoad> latest) {
    for (ExecutorLoad load : latest) {
      if (available.contains(load.executorId())) {
        loads.put(load.executorId(), load);
      }
    }
  }

  /**
   * The executor to send the next request to at {@code nowNanos}: the best of those that have not failed a
   * request lately, or of all when every one has; empty when none is available.
   */
  public Optional<String> choose(long nowNanos) {
    Optional<String> trusted = choose(nowNanos, true);
    return trusted.isPresent() ? trusted : choose(nowNanos, false);
  }

  /** {@code executorId} failed a request at {@code nowNanos}: pass it over for the cool-down. */
  public void failed(String executorId, long nowNanos) {
    if (available.contains(executorId)) {
      avoidedUntil.put(executorId, nowNanos + failureCooldownNanos);
    }
  }

  /** {@code executorId} answered a request: whatever failed before works again. */
  public void answered(String executorId) {
    avoidedUntil.remove(executorId);
  }

  private Optional<String> choose(long nowNanos, boolean passOverFailed) {
    double poolService = 0;
    int priced = 0;
    for (ExecutorLoad load : loads.values()) {
      if (load.serviceNanos() > 0) {
        poolService += load.serviceNanos();
        priced++;
      }
    }
    poolService = priced > 0 ? poolService / priced : 1;
    String best = null;
    double bestCompletion = Double.POSITIVE_INFINITY;
    long bestAssigned = Long.MAX_VALUE;
    for (String id : available) {
      Long until = avoidedUntil.get(id);
      if (passOverFailed && until != null && until - nowNanos > 0) {
        continue;
      }
      ExecutorLoad load = loads.get(id);
      double service = load != null && load.serviceNanos() > 0 ? load.serviceNanos() : poolService;
      double ahead = Math.max(load != null ? load.queueLength() : 0, inFlight.getOrDefault(id, 0));
      double completion = (ahead + 1) * service;
      long given = assigned.getOrDefault(id, 0L);
      if (completion < bestCompletion || (completion == bestCompletion && given < bestAssigned)) {
        best = id;
        bestCompletion = completion;
        bestAssigned = given;
      }
    }
    return Optional.ofNullable(best);
  }

  /** A request was sent to {@code executorId}. */
  public void sent(String executorId) {
    inFlight.merge(executorId, 1, Integer::sum);
    assigned.merge(executorId, 1L, Long::sum);
  }

  /** A request at {@code executorId} finished, failed or was taken back. */
  public void done(String executorId) {
    inFlight.computeIfPresent(executorId, (id, count) -> count > 1 ? count - 1 : null);
  }

  /** Requests sent to each executor so far. */
  public Map<String, Long> assigned() {
    return Map.copyOf(assigned);
  }

  public boolean isAvailable(String executorId) {
    return available.contains(executorId);
  }

  public int availableCount() {
    return available.size();
  }
}
