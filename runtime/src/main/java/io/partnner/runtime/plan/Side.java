package io.partnner.runtime.plan;

/** Where blocks run. */
public enum Side {
  EDGE,
  CLOUD
}
