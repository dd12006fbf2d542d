package io.partnner.runtime.link;

/** Which way a transfer crosses the link: edge to cloud, or cloud to edge. */
public enum Direction {
  /** Edge to cloud: crossing tensors. */
  UP,
  /** Cloud to edge: results. */
  DOWN;

  /** Lower-case name for messages and tables. */
  public String label() {
    return this == UP ? "uplink" : "downlink";
  }
}
