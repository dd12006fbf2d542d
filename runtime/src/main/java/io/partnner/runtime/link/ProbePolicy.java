package io.partnner.runtime.link;

import java.util.Objects;
import java.util.Optional;

/**
 * Decides when the edge should probe an idle direction of the link, and how big the probe is, so that
 * the estimate stays fresh while probes carry at most a set share of what the link can carry.
 *
 * <p>The budget is a token bucket of bits: it fills at {@code linkShare} of the estimated bandwidth,
 * holds at most what {@code budgetWindow} of that refill brings, and a probe costs its bits. Counting
 * bits rather than time on the wire keeps an outage from being billed to a probe that happened to wait
 * through it. A probe bigger than the whole bucket may still go once the bucket is full, leaving a debt
 * that later refills repay, so the long-run share holds even on a link too slow for the smallest probe.
 * Before there is any estimate, probes go uncharged (there is nothing to price them with). A probe whose
 * tail produced no bandwidth sample (it crossed too quickly to time: a fast link, or an estimate that
 * collapsed during an outage and now sizes tails far too small) makes the next tail twice as big, so an
 * estimate forms, or recovers, within a few probes; so does a tail timed too coarsely for the estimator to rest
 * on it. The first estimate opens the bucket full. Probes are sized to take
 * {@code tailTarget} on the wire at the estimated bandwidth, or {@code tailNoiseMultiple} times the scatter of
 * the edge's timings if that is longer (a tail must take well over the timing error to be measured), and come every
 * {@code idleInterval} while the estimate is fresh and steady, or every {@code urgentInterval} while it
 * is missing, old or suspected of changing; the budget caps both.
 *
 * <p>Call {@link #poll} only while nothing is being transferred in that direction: real transfers
 * measure the link better than probes and cost nothing extra. Not thread-safe.
 */
public final class ProbePolicy {
  /** Shortest and longest wait the budget can be overridden by (see {@code plan}). */
  private static final long MIN_FORCED_GAP_NANOS = 1_000_000_000L;
  private static final long MAX_FORCED_GAP_NANOS = 60_000_000_000L;

  private final ProbeSettings settings;
  private final LinkEstimator estimator;
  private final Budget up = new Budget();
  private final Budget down = new Budget();

  /** A policy that consults {@code estimator} for the size and cost of probes. */
  public ProbePolicy(ProbeSettings settings, LinkEstimator estimator) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.estimator = Objects.requireNonNull(estimator, "estimator");
  }

  /** When the next probe in {@code direction} is due if the direction stays idle: a time no earlier than {@code nowNanos}. */
  public long nextProbeNanos(Direction direction, long nowNanos) {
    return plan(direction, nowNanos).dueNanos;
  }

  /** The probe to send now if one is due, its bits taken from the budget; empty when none is due. */
  public Optional<Probe> poll(Direction direction, long nowNanos) {
    Plan plan = plan(direction, nowNanos);
    if (plan.dueNanos > nowNanos) {
      return Optional.empty();
    }
    Budget budget = budget(direction);
    double bits = plan.probe.totalBytes() * 8.0;
    if (plan.estimated) {
      budget.tokenBits -= bits;
    }
    budget.lastTailBytes = plan.probe.tailBytes();
    if (plan.forced) {
      budget.forcedGapNanos = Math.min(MAX_FORCED_GAP_NANOS, 2 * budget.forcedGapNanos);
    }
    budget.spentBits += bits;
    budget.lastProbeNanos = nowNanos;
    budget.probes++;
    return Optional.of(plan.probe);
  }

  /** Bytes of probes sent in {@code direction} so far. */
  public long probeBytes(Direction direction) {
    return Math.round(budget(direction).spentBits / 8);
  }

  /** Probes sent in {@code direction} so far. */
  public long probes(Direction direction) {
    return budget(direction).probes;
  }

  private Plan plan(Direction direction, long nowNanos) {
    Budget budget = budget(direction);
    Optional<LinkEstimate> estimate = estimator.estimate(direction, nowNanos);
    long tail = settings.minTailBytes();
    boolean urgent = true;
    double refillBitsPerNano = 0;
    double capacityBits = 0;
    if (estimate.isPresent()) {
      LinkEstimate known = estimate.get();
      double bitsPerNano = known.mbps() * 1e6 / 1e9;
      double tailNanos = Math.max(settings.tailTarget().toNanos(), settings.tailNoiseMultiple() * estimator.timingNoiseNanos());
      tail = Math.max(settings.minTailBytes(), Math.min(settings.maxTailBytes(), Math.round(bitsPerNano / 8 * tailNanos)));
      urgent = known.changeSuspected() || known.bandwidthAgeNanos() > settings.staleAfter().toNanos();
      refillBitsPerNano = settings.linkShare() * bitsPerNano;
      capacityBits = refillBitsPerNano * settings.budgetWindow().toNanos();
    }
    boolean unanswered = budget.lastTailBytes > 0
        && (estimate.isEmpty() || estimate.get().bandwidthAgeNanos() > nowNanos - budget.lastProbeNanos);
    if (unanswered) {
      tail = Math.max(tail, Math.min(settings.maxTailBytes(), 2 * budget.lastTailBytes));
      urgent = true;
    }
    budget.refill(nowNanos, refillBitsPerNano, capacityBits);
    Probe probe = new Probe(direction, settings.headBytes(), tail);
    long interval = (urgent ? settings.urgentInterval() : settings.idleInterval()).toNanos();
    long due = budget.lastProbeNanos == Long.MIN_VALUE ? nowNanos : Math.max(nowNanos, budget.lastProbeNanos + interval);
    long intervalDue = due;
    boolean forced = false;
    if (estimate.isPresent()) {
      double needed = Math.min(probe.totalBytes() * 8.0, capacityBits);
      if (budget.tokenBits < needed) {
        due = Math.max(due, nowNanos + (long) Math.ceil((needed - budget.tokenBits) / refillBitsPerNano));
      }
      // A budget priced at a collapsed estimate (a dip to kbit/s, an outage) would hold the next probe
      // back for hours, and only a probe can see the link come back. So a probe goes at least every
      // forcedGap: 1 s after a change or an unanswered probe, doubling (to a minute) while forced probes
      // keep confirming a slow link, so on a link that really is slow they cost a vanishing share.
      if (unanswered || estimate.get().changeSuspected()) {
        budget.forcedGapNanos = MIN_FORCED_GAP_NANOS;
      }
      if (budget.lastProbeNanos != Long.MIN_VALUE) {
        // It overrides the budget, never the interval.
        long forcedDue = Math.max(intervalDue, budget.lastProbeNanos + budget.forcedGapNanos);
        if (forcedDue < due) {
          due = forcedDue;
          forced = true;
        }
      }
    }
    return new Plan(probe, estimate.isPresent(), due, forced);
  }

  private Budget budget(Direction direction) {
    return Objects.requireNonNull(direction, "direction") == Direction.UP ? up : down;
  }

  private record Plan(Probe probe, boolean estimated, long dueNanos, boolean forced) {}

  /** One direction's bucket of bits. */
  private static final class Budget {
    double tokenBits;
    double spentBits;
    long refilledNanos = Long.MIN_VALUE;
    long lastProbeNanos = Long.MIN_VALUE;
    boolean filled;
    long probes;
    long lastTailBytes;
    long forcedGapNanos = MIN_FORCED_GAP_NANOS;

    void refill(long nowNanos, double bitsPerNano, double capacityBits) {
      if (refilledNanos != Long.MIN_VALUE && nowNanos > refilledNanos) {
        tokenBits = Math.min(capacityBits, tokenBits + bitsPerNano * (nowNanos - refilledNanos));
      }
      if (!filled && capacityBits > 0) {
        // The first estimate opens the bucket full, so probing can start at once.
        tokenBits = capacityBits;
        filled = true;
      }
      refilledNanos = Math.max(refilledNanos, nowNanos);
    }
  }
}
