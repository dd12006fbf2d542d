package io.partnner.runtime.estimate;

import java.util.Objects;

/**
 * The estimated load of one cloud executor, and the wait a request sent to it now should expect.
 *
 * @param executorId the executor's identity as it reports it
 * @param queueLength estimated requests ahead of a new one (waiting or in service)
 * @param serviceNanos estimated service time of one request
 * @param waitNanos expected queueing delay of a request sent now, its own service excluded
 * @param reportAgeNanos time since the executor's last report
 * @param changeDetected true when the last report was recognised as a step in queue or service time
 */
public record ExecutorLoad(
    String executorId,
    double queueLength,
    double serviceNanos,
    double waitNanos,
    long reportAgeNanos,
    boolean changeDetected) {

  public ExecutorLoad {
    Objects.requireNonNull(executorId, "executorId");
    if (!(queueLength >= 0) || !(serviceNanos >= 0) || !(waitNanos >= 0)
        || Double.isInfinite(queueLength) || Double.isInfinite(serviceNanos) || Double.isInfinite(waitNanos)) {
      throw new IllegalArgumentException(
          "load of " + executorId + " must be finite and non-negative, got queue " + queueLength
              + ", service " + serviceNanos + " ns, wait " + waitNanos + " ns");
    }
    if (reportAgeNanos < 0) {
      throw new IllegalArgumentException("report age must be non-negative, got " + reportAgeNanos + " ns");
    }
  }

  /** Expected time from sending a request now to its completion, if it takes a typical service time. */
  public double completionNanos() {
    return waitNanos + serviceNanos;
  }
}
