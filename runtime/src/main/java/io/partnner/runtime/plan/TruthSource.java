package io.partnner.runtime.plan;

/** The true conditions, as only a simulator knows them: what a plan's request would really take. */
@FunctionalInterface
public interface TruthSource {
  /** The true (mean) end-to-end latency of a request under {@code plan} started at {@code atNanos}. */
  long trueLatencyNanos(Plan plan, long atNanos);
}
