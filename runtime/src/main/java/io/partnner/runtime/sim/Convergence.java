package io.partnner.runtime.sim;

/**
 * How long a strategy took after a step change until the true latency of its chosen plan was within
 * 5% of the oracle's and stayed there until the next step (judged on the requests that end before it).
 *
 * @param step the change
 * @param requests requests started between this step and the next
 * @param inferences requests before the first one of the run that stayed within 5% (0: at once)
 * @param nanos from the step to the start of that first request (0 when at once); when it never
 *     converged, to the last request before the next step
 * @param converged false when even the last request judged before the next step was more than 5% off
 */
public record Convergence(StepChange step, int requests, int inferences, long nanos, boolean converged) {}
