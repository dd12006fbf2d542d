package io.partnner.runtime.plan;

import io.partnner.runtime.link.Direction;
import io.partnner.runtime.link.LinkEstimate;
import io.partnner.runtime.link.LinkEstimator;
import io.partnner.runtime.link.Probe;
import io.partnner.runtime.link.ProbePolicy;
import io.partnner.runtime.time.Ticker;
import java.util.Optional;

/**
 * A strategy's view of the link: the estimator fed from transfer timings, the configured prior for a
 * direction not measured yet (like the FLOPs prior for blocks), and the probe policy over the estimator.
 */
final class LinkView {
  private final LinkEstimator estimator;
  private final ProbePolicy probes;
  private final PlannerSettings settings;
  /** An upper bound on the uplink from a crossing the cloud never received by its deadline; infinite without one. */
  private double uplinkCeilingMbps = Double.POSITIVE_INFINITY;

  LinkView(PlannerSettings settings, Ticker ticker) {
    this.settings = settings;
    this.estimator = new LinkEstimator(settings.link(), ticker);
    this.probes = new ProbePolicy(settings.probes(), estimator);
  }

  /**
   * Folds in one transfer. Transfers in one direction must be reported in the order they were sent,
   * which on a first-in first-out link is also the order they complete.
   */
  void record(Observation.TransferTimed transfer) {
    estimator.onSent(transfer.direction(), transfer.bytes(), transfer.sentNanos());
    estimator.onCompleted(transfer.direction(), transfer.completedNanos());
    if (transfer.direction() == Direction.UP) {
      // A completed transfer is evidence; the bound was only the absence of it.
      uplinkCeilingMbps = Double.POSITIVE_INFINITY;
    }
  }

  /**
   * A crossing of {@code bytes} handed to the uplink at {@code sentNanos} had still not reached the cloud
   * (no receipt) at {@code overdueNanos}: it has been on the wire for at least that time less a round trip,
   * so the uplink is at most its bytes over that time, until a transfer completes again.
   */
  void uplinkOverdue(long bytes, long sentNanos, long overdueNanos) {
    double elapsed = overdueNanos - sentNanos;
    // The receipt needs half a round trip back and the crossing half a round trip of latency up; a deadline
    // shorter than the RTT estimate still bounds the uplink by half the wait.
    double sending = Math.max(elapsed - rttNanos(), elapsed / 2);
    if (bytes > 0 && sending > 0) {
      uplinkCeilingMbps = Math.min(uplinkCeilingMbps, Conditions.mbps(bytes, sending));
    }
  }

  double uplinkMbps() {
    double estimate = estimator.estimate(Direction.UP).map(LinkEstimate::mbps).orElse(settings.priorUplinkMbps());
    return Math.min(estimate, uplinkCeilingMbps);
  }

  double downlinkMbps() {
    return estimator.estimate(Direction.DOWN).map(LinkEstimate::mbps).orElse(settings.priorDownlinkMbps());
  }

  double rttNanos() {
    Optional<LinkEstimate> known = estimator.estimate(Direction.UP).or(() -> estimator.estimate(Direction.DOWN));
    return known.map(estimate -> (double) estimate.rttNanos()).orElse((double) settings.priorRtt().toNanos());
  }

  /** Changes the estimator has detected so far, in either direction's bandwidth. */
  long detectedChanges() {
    return estimator.detectedChanges(Direction.UP) + estimator.detectedChanges(Direction.DOWN);
  }

  Optional<Probe> pollProbe(Direction direction, long nowNanos) {
    return probes.poll(direction, nowNanos);
  }
}
