package io.partnner.runtime.plan;

import java.util.Objects;

/**
 * The plan in force: the candidate cut (0 = cloud-only, last = edge-only) and the wire codec for the
 * tensors crossing it.
 */
public record Plan(int cut, String codec) {
  public Plan {
    if (cut < 0) {
      throw new IllegalArgumentException("cut must be >= 0, got " + cut);
    }
    Objects.requireNonNull(codec, "codec");
  }
}
