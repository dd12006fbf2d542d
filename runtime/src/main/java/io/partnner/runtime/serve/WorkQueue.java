package io.partnner.runtime.serve;

import io.partnner.runtime.time.Ticker;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;

/**
 * An executor's bounded first-in first-out queue of jobs, one in service at a time, and the load it
 * reports: jobs waiting or in service, and an exponentially weighted mean of recent service times.
 * Not thread-safe: the executor actor owns it.
 *
 * @param <J> a job
 */
public final class WorkQueue<J> {
  /** A job taken for service, with how long it waited. */
  public record Started<J>(J job, long waitedNanos) {}

  private record Waiting<J>(J job, long enqueuedNanos) {}

  private final int capacity;
  private final double weight;
  private final Ticker ticker;
  private final ArrayDeque<Waiting<J>> waiting = new ArrayDeque<>();
  private boolean busy;
  private long serviceStartNanos;
  private double meanServiceNanos = Double.NaN;
  private long served;

  /**
   * A queue holding at most {@code capacity} jobs (waiting plus in service); each service time moves the mean
   * by {@code weight} of the difference.
   */
  public WorkQueue(int capacity, double weight, Ticker ticker) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    if (!(weight > 0 && weight <= 1)) {
      throw new IllegalArgumentException("weight must be in (0, 1], got " + weight);
    }
    this.capacity = capacity;
    this.weight = weight;
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /** Queues a job; false when the queue is full. */
  public boolean offer(J job) {
    if (length() >= capacity) {
      return false;
    }
    waiting.addLast(new Waiting<>(Objects.requireNonNull(job, "job"), ticker.nanos()));
    return true;
  }

  /** The next job to serve, when none is in service and one is waiting. */
  public Optional<Started<J>> start() {
    if (busy || waiting.isEmpty()) {
      return Optional.empty();
    }
    Waiting<J> next = waiting.removeFirst();
    busy = true;
    serviceStartNanos = ticker.nanos();
    return Optional.of(new Started<>(next.job(), serviceStartNanos - next.enqueuedNanos()));
  }

  /** The job in service finished; returns its service time. */
  public long finish() {
    if (!busy) {
      throw new IllegalStateException("no job is in service");
    }
    busy = false;
    long service = ticker.nanos() - serviceStartNanos;
    meanServiceNanos = nextMean(meanServiceNanos, service, weight);
    served++;
    return service;
  }

  /**
   * The mean after a service time of {@code serviceNanos}: {@code mean} moved by {@code weight} of the difference,
   * or the service time itself when there was no mean yet (NaN).
   */
  public static double nextMean(double mean, long serviceNanos, double weight) {
    return Double.isNaN(mean) ? serviceNanos : mean + weight * (serviceNanos - mean);
  }

  /** Jobs waiting or in service. */
  public int length() {
    return waiting.size() + (busy ? 1 : 0);
  }

  /** Mean recent service time; 0 before the first job. */
  public long meanServiceNanos() {
    return Double.isNaN(meanServiceNanos) ? 0 : Math.round(meanServiceNanos);
  }

  /** Mean recent service time; NaN before the first job. */
  public double meanService() {
    return meanServiceNanos;
  }

  /** Weight of the newest service time in the mean. */
  public double weight() {
    return weight;
  }

  public long served() {
    return served;
  }

  public int capacity() {
    return capacity;
  }
}
