package io.partnner.runtime.exec;

import io.partnner.runtime.time.Sleeper;

/**
 * Applies a {@link DeviceProfile} after each block: the emulated device's extra time is spent
 * waiting, so that timings taken around a block see the slow device, not the factor.
 */
public final class DevicePacer {
  private static final System.Logger LOG = System.getLogger(DevicePacer.class.getName());

  private final DeviceProfile profile;
  private final Sleeper sleeper;

  /** Paces blocks for {@code profile}, waiting with {@code sleeper}. */
  public DevicePacer(DeviceProfile profile, Sleeper sleeper) {
    this.profile = profile;
    this.sleeper = sleeper;
    if (profile.emulated()) {
      LOG.log(System.Logger.Level.INFO, "EMULATION: edge device {0} waits {1}x the measured time after each block",
          profile.name(), profile.slowdown() - 1);
    }
  }

  /** Waits out the emulated device's extra time for a block whose real work took {@code workNanos}. */
  public void afterBlock(long workNanos) {
    if (profile.emulated() && workNanos > 0) {
      sleeper.sleepNanos(Math.round((profile.slowdown() - 1) * workNanos));
    }
  }

  /** The profile being emulated (for labels and logs, never for the planner). */
  public DeviceProfile profile() {
    return profile;
  }
}
