package io.partnner.runtime.serve;

import io.partnner.runtime.plan.Plan;
import io.partnner.runtime.tensor.Tensor;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One answered inference: the model's outputs, the plan it ran under and where its time went.
 *
 * @param requestId the gateway's id for the request
 * @param outputs the model's outputs by name
 * @param plan the plan the request ran under (for a fallback, the plan it started with)
 * @param servedBy {@code edge} or the id of the cloud executor that ran the tail
 * @param fallback why the edge finished a request the cloud was meant to, if it did
 * @param latency the measured latency, term by term
 */
public record InferenceResult(
    long requestId, Map<String, Tensor> outputs, Plan plan, String servedBy, Optional<String> fallback,
    MeasuredLatency latency) {

  public InferenceResult {
    outputs = Map.copyOf(outputs);
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(servedBy, "servedBy");
    Objects.requireNonNull(fallback, "fallback");
    Objects.requireNonNull(latency, "latency");
  }
}
