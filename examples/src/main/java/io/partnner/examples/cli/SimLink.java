package io.partnner.examples.cli;

import io.partnner.runtime.link.BandwidthTrace;
import io.partnner.runtime.link.LinkPreset;
import io.partnner.runtime.sim.LinkSpec;

/**
 * One link of {@code bench sim}: the simulator's link and what it was built from (exactly one of a
 * preset or a trace), kept so the JSON can state the bandwidth schedule.
 */
record SimLink(String label, LinkSpec spec, LinkPreset preset, BandwidthTrace trace) {
  static SimLink of(LinkPreset preset) {
    return new SimLink(preset.label(), LinkSpec.preset(preset), preset, null);
  }

  static SimLink of(String label, BandwidthTrace trace, java.time.Duration rtt) {
    return new SimLink(label, LinkSpec.trace(trace, rtt), null, trace);
  }
}
