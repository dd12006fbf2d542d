package io.partnner.runtime.plan;

import io.partnner.runtime.link.Direction;
import io.partnner.runtime.link.Probe;
import java.util.Optional;

/**
 * A strategy that learns the link from transfer timings and wants probes while a direction is idle: the
 * driver sends the probe and reports its head and tail as two {@link Observation.TransferTimed}.
 */
public interface LinkProbing {
  /** The probe to send now in {@code direction}, if one is due; call only while that direction is idle. */
  Optional<Probe> pollProbe(Direction direction, long nowNanos);
}
