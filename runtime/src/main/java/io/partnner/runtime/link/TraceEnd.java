package io.partnner.runtime.link;

/** What a bandwidth trace does after its last sample period. */
public enum TraceEnd {
  /** Starts again from its first row. */
  LOOP,
  /** Keeps its last rate for ever. */
  HOLD
}
