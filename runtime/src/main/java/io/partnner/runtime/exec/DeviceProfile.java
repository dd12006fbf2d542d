package io.partnner.runtime.exec;

import java.util.Locale;

/**
 * An emulated edge device: this machine slowed down by a factor. After real work taking {@code t}
 * the executor waits {@code (slowdown - 1) t}. This is an emulation, labelled as such wherever it is
 * used; nothing downstream is told the factor, the planner has to discover it by measuring.
 */
public record DeviceProfile(String name, double slowdown) {
  /** This machine as it is. */
  public static final DeviceProfile NATIVE = new DeviceProfile("native", 1.0);

  public DeviceProfile {
    if (!(slowdown >= 1.0) || Double.isInfinite(slowdown)) {
      throw new IllegalArgumentException("device slowdown must be a finite factor >= 1, got " + slowdown);
    }
  }

  /** Parses {@code x4}, {@code x2.5} or {@code native}. */
  public static DeviceProfile parse(String text) {
    String trimmed = text.strip().toLowerCase(Locale.ROOT);
    if (trimmed.equals("native") || trimmed.equals("x1")) {
      return NATIVE;
    }
    if (!trimmed.startsWith("x")) {
      throw new IllegalArgumentException("device '" + text + "': expected a slowdown such as x4 or x10");
    }
    try {
      return new DeviceProfile(trimmed, Double.parseDouble(trimmed.substring(1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("device '" + text + "': '" + trimmed.substring(1) + "' is not a number");
    }
  }

  /** True when this profile slows anything down. */
  public boolean emulated() {
    return slowdown > 1.0;
  }
}
