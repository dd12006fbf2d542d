package io.partnner.runtime.sim;

/** A moment the true conditions change: the start of the run, a bandwidth step of the link, or a load step at the cloud. */
public record StepChange(long atNanos, Kind kind) {
  /** What changed. */
  public enum Kind {
    /** The run starts, nothing known yet. */
    START,
    /** The bandwidth of a link direction steps (a new trace row with another rate). */
    BANDWIDTH,
    /** The number of other requests queued at the cloud changes. */
    LOAD
  }
}
