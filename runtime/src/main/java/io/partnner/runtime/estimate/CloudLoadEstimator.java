package io.partnner.runtime.estimate;

import io.partnner.runtime.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/*
 * Design. Each cloud executor reports its queue length (requests waiting or in service) and the mean
 * service time of its recent requests. Both are followed with a RobustEstimator per executor, so one
 * odd report is ignored and a sustained step (in load or speed) is adopted after the estimator's
 * change run. The queue estimator has an absolute scale floor: queue lengths are small integers,
 * often zero, and without a floor a queue that sits at zero would make every single request an outlier.
 *
 * A request sent now waits for the requests ahead of it: W = queue x service, the mean-value-analysis
 * estimate, exact for an M/M/1 queue (arrivals see the time-average queue, and the residual of the
 * request in service is a whole service time when service is memoryless; with less variable service
 * it errs towards caution). Its own service is
 * excluded from W because the planner predicts it per cut from block times; completion (W + service)
 * is used only to rank executors, where a slower executor should lose to an equally loaded fast one.
 *
 * Report times are taken from this side's ticker when a report arrives: another JVM's monotonic clock
 * has an unrelated origin. An executor silent for longer than forgetAfter is dropped (it left, crashed
 * or is partitioned away) and starts afresh if it reports again.
 */

/** Expected queueing delay at each cloud executor and across the pool, from their load reports. */
public final class CloudLoadEstimator {
  private final Settings settings;
  private final Ticker ticker;
  private final long forgetAfterNanos;
  private final Map<String, Executor> executors = new TreeMap<>();

  /** An estimator that knows no executor yet. */
  public CloudLoadEstimator(Settings settings, Ticker ticker) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.forgetAfterNanos = settings.forgetAfter().toNanos();
  }

  /**
   * Folds in one executor's report and returns its load after it.
   *
   * @param queueLength requests waiting or in service at the executor
   * @param meanServiceNanos mean service time of its recent requests; 0 when it has served none lately
   * @throws IllegalArgumentException when the id is blank or a figure is negative
   */
  public ExecutorLoad report(String executorId, int queueLength, long meanServiceNanos) {
    Objects.requireNonNull(executorId, "executorId");
    if (executorId.isBlank()) {
      throw new IllegalArgumentException("an executor id must not be blank");
    }
    if (queueLength < 0 || meanServiceNanos < 0) {
      throw new IllegalArgumentException(
          "executor " + executorId + " reported queue " + queueLength + " and service " + meanServiceNanos
              + " ns; neither can be negative");
    }
    forgetSilent();
    Executor executor = executors.computeIfAbsent(executorId, id -> new Executor());
    executor.lastReportNanos = ticker.nanos();
    boolean changed = executor.queue.observe(queueLength).changeDetected();
    // A service time of zero means "nothing served lately", not "infinitely fast".
    if (meanServiceNanos > 0) {
      changed |= executor.service.observe(meanServiceNanos).changeDetected();
    }
    executor.changeDetected = changed;
    return load(executorId, executor, fallbackServiceNanos());
  }

  /** The executor's current load, or empty if it never reported or has been forgotten. */
  public Optional<ExecutorLoad> executor(String executorId) {
    forgetSilent();
    Executor executor = executors.get(executorId);
    return executor == null ? Optional.empty() : Optional.of(load(executorId, executor, fallbackServiceNanos()));
  }

  /** The load of every executor still reporting, ordered by id. */
  public List<ExecutorLoad> executors() {
    forgetSilent();
    double fallback = fallbackServiceNanos();
    List<ExecutorLoad> loads = new ArrayList<>(executors.size());
    executors.forEach((id, executor) -> loads.add(load(id, executor, fallback)));
    return List.copyOf(loads);
  }

  /** The executor where a request sent now should complete first (ties go to the smaller id). */
  public Optional<ExecutorLoad> best() {
    return executors().stream().min(Comparator.comparingDouble(ExecutorLoad::completionNanos));
  }

  /** The pool-wide load, or empty when no executor is reporting. */
  public Optional<PoolLoad> pool() {
    List<ExecutorLoad> loads = executors();
    if (loads.isEmpty()) {
      return Optional.empty();
    }
    double totalWait = 0;
    double minWait = Double.MAX_VALUE;
    double totalQueued = 0;
    for (ExecutorLoad load : loads) {
      totalWait += load.waitNanos();
      minWait = Math.min(minWait, load.waitNanos());
      totalQueued += load.queueLength();
    }
    return Optional.of(new PoolLoad(loads.size(), totalWait / loads.size(), minWait, totalQueued));
  }

  /** Forgets an executor at once (it left the cluster); returns whether it was known. */
  public boolean remove(String executorId) {
    return executors.remove(executorId) != null;
  }

  private void forgetSilent() {
    long now = ticker.nanos();
    for (Iterator<Executor> it = executors.values().iterator(); it.hasNext(); ) {
      if (now - it.next().lastReportNanos > forgetAfterNanos) {
        it.remove();
      }
    }
  }

  /** Mean service time of the executors that have one, for those that have not served yet; else 0. */
  private double fallbackServiceNanos() {
    double total = 0;
    int count = 0;
    for (Executor executor : executors.values()) {
      Optional<Estimate> service = executor.service.current();
      if (service.isPresent()) {
        total += Math.max(0, service.get().value());
        count++;
      }
    }
    return count == 0 ? 0 : total / count;
  }

  private ExecutorLoad load(String id, Executor executor, double fallbackServiceNanos) {
    double queue = executor.queue.current().map(Estimate::value).orElse(0.0);
    double service = executor.service.current().map(Estimate::value).orElse(fallbackServiceNanos);
    queue = Math.max(0, queue);
    service = Math.max(0, service);
    long age = Math.max(0, ticker.nanos() - executor.lastReportNanos);
    return new ExecutorLoad(id, queue, service, queue * service, age, executor.changeDetected);
  }

  /** The estimators of one executor. */
  private final class Executor {
    final RobustEstimator queue = new RobustEstimator(settings.queueLength(), ticker);
    final RobustEstimator service = new RobustEstimator(settings.serviceTime(), ticker);
    long lastReportNanos;
    boolean changeDetected;
  }

  /**
   * Tuning of a {@link CloudLoadEstimator}.
   *
   * @param queueLength estimator settings for reported queue lengths
   * @param serviceTime estimator settings for reported service times
   * @param forgetAfter how long an executor may stay silent before it is dropped
   */
  public record Settings(
      RobustEstimator.Settings queueLength, RobustEstimator.Settings serviceTime, Duration forgetAfter) {
    /**
     * The default estimator settings, with queue changes of up to two requests (4 x 0.5) treated as
     * jitter, and executors forgotten after 5 s of silence (many report intervals at the expected
     * reporting rate of a few per second).
     */
    public static final Settings DEFAULT =
        new Settings(RobustEstimator.Settings.DEFAULT.withMinDeviation(0.5), RobustEstimator.Settings.DEFAULT,
            Duration.ofSeconds(5));

    public Settings {
      Objects.requireNonNull(queueLength, "queueLength");
      Objects.requireNonNull(serviceTime, "serviceTime");
      Objects.requireNonNull(forgetAfter, "forgetAfter");
      if (forgetAfter.isNegative() || forgetAfter.isZero()) {
        throw new IllegalArgumentException("forgetAfter must be positive, got " + forgetAfter);
      }
    }
  }
}
