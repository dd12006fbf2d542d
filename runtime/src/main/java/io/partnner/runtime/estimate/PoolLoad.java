package io.partnner.runtime.estimate;

/**
 * The load of the whole cloud pool, over the executors that are still reporting.
 *
 * @param executors executors reporting within the staleness limit (at least one)
 * @param meanWaitNanos mean expected queueing delay over them
 * @param minWaitNanos the smallest expected queueing delay
 * @param totalQueued estimated requests queued or in service across the pool
 */
public record PoolLoad(int executors, double meanWaitNanos, double minWaitNanos, double totalQueued) {

  public PoolLoad {
    if (executors < 1) {
      throw new IllegalArgumentException("a pool load covers at least one executor, got " + executors);
    }
    if (!(minWaitNanos >= 0) || !(meanWaitNanos >= 0) || !(totalQueued >= 0)
        || Double.isInfinite(meanWaitNanos) || Double.isInfinite(totalQueued)) {
      throw new IllegalArgumentException(
          "pool waits and queue must be finite and non-negative, got min " + minWaitNanos
              + " ns, mean " + meanWaitNanos + " ns, queued " + totalQueued);
    }
  }
}
