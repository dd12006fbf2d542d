package io.partnner.runtime.plan;

import java.util.Objects;

/**
 * What a strategy expects of a plan: its latency term by term, and what finishing it on the edge would cost
 * if the cloud's answer did not come (decoding the kept crossing and running the tail blocks there).
 *
 * @param latency the predicted end-to-end latency, term by term
 * @param edgeFallbackNanos the predicted edge time of the tail blocks, plus decoding the crossing; 0 for
 *     the edge-only plan
 */
public record Prediction(LatencyBreakdown latency, double edgeFallbackNanos) {
  /** Checks the values. */
  public Prediction {
    Objects.requireNonNull(latency, "latency");
    if (!(edgeFallbackNanos >= 0) || Double.isInfinite(edgeFallbackNanos)) {
      throw new IllegalArgumentException("edge fallback time must be finite and >= 0, got " + edgeFallbackNanos + " ns");
    }
  }
}
