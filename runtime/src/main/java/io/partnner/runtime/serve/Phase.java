package io.partnner.runtime.serve;

/** Where a request is on its way through the gateway. */
public enum Phase {
  /** Running on the edge: the head, the whole model, or the tail after a fallback. */
  EDGE,
  /** Handed to a cloud executor; waiting for its receipt and result. */
  CLOUD
}
