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
  }

  double uplinkMbps() {
    return estimator.estimate(Direction.UP).map(LinkEstimate::mbps).orElse(settings.priorUplinkMbps());
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
