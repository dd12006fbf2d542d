package io.partnner.runtime.link;

import io.partnner.runtime.time.Ticker;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;

/**
 * Learns the bandwidth of each direction and the round-trip time from the timings of the transfers the
 * edge makes, and from nothing else (DESIGN section 2).
 *
 * <p>The caller reports each transfer twice: {@link #onSent} when the edge hands it to the link (uplink)
 * or asks the cloud for it (downlink), and {@link #onCompleted} when the edge learns it has arrived (the
 * cloud's acknowledgement, or the last byte of a download). Either way the interval holds one round trip
 * plus the bytes over the bandwidth, plus any wait behind earlier transfers in the same direction, which
 * complete in the order they were sent.
 *
 * <p>The two terms are separated the way packet-dispersion tools do (S. Keshav, "A control-theoretic
 * approach to flow control", SIGCOMM 1991; C. Dovrolis et al., "What do packet dispersion techniques
 * measure?", INFOCOM 2001): a transfer that queued behind the previous one in its direction left the
 * sender right after it, so the gap between their completions is its time on the wire and needs no RTT.
 * A transfer that did not queue spent the estimated RTT plus its time on the wire; small ones (probes)
 * give RTT samples, large ones bandwidth samples; a small transfer with another queued right behind it
 * has its own time on the wire taken off at the rate that follower measures. Each estimate is a robust
 * running mean: time-weighted, outliers held back, a run of them taken as a change that drops the old
 * weight. A bandwidth sample counts by how well it could be timed: its time on the wire against the
 * scatter of the edge's timings (see {@link #timingNoiseNanos}), so a probe tail of a few milliseconds,
 * timed by completions that arrive a few milliseconds late now and then, moves the estimate little and
 * cannot pass for a change, while a crossing of hundreds of milliseconds counts fully. Every completed
 * transfer also proves that the RTT is at most its duration and the bandwidth at least its bits over its duration; an estimate outside those bounds is moved onto them at once. While a
 * transfer is overdue, its bytes over the time it has been sending bound the bandwidth from above, so a
 * collapsing link shows before the transfer completes.
 *
 * <p>Not thread-safe: one owner (the link monitor actor) calls it.
 */
public final class LinkEstimator {
  /** Share of the RTT estimate by which a completion may undercut it and still mean "queued". */
  private static final double QUEUED_TOLERANCE = 0.05;

  private final LinkEstimatorSettings settings;
  private final Ticker ticker;
  private final RobustEwma rtt;
  /** Mean square deviation of RTT samples from the estimate, its sample count and the time of the last one. */
  private double noiseVariance;
  private int noiseSamples;
  private long noiseNanos;
  private final Lane up;
  private final Lane down;

  /** An estimator that knows nothing yet; {@code ticker} dates {@link #estimate(Direction)}. */
  public LinkEstimator(LinkEstimatorSettings settings, Ticker ticker) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    long stale = settings.staleAfter().toNanos();
    this.rtt = new RobustEwma(settings.rttHalfLife().toNanos(), settings.spreadHalfLife().toNanos(), stale,
        settings.outlierSigmas(), Math.log1p(settings.minRelativeSpread()), settings.changeRun());
    this.up = new Lane(settings);
    this.down = new Lane(settings);
  }

  /**
   * Records that a transfer of {@code bytes} left (uplink) or was asked for (downlink) at {@code sentNanos}.
   *
   * @throws IllegalArgumentException for negative bytes, or a send time earlier than the previous one in
   *     the same direction (transfers in one direction are reported in order)
   */
  public void onSent(Direction direction, long bytes, long sentNanos) {
    lane(direction).sent(direction, bytes, sentNanos);
  }

  /**
   * Records that the oldest outstanding transfer in {@code direction} completed at {@code completedNanos},
   * and learns from its timing.
   *
   * @throws IllegalStateException when no transfer is outstanding in that direction
   * @throws IllegalArgumentException for a completion before the transfer was sent or before the previous
   *     completion in that direction
   */
  public void onCompleted(Direction direction, long completedNanos) {
    Lane lane = lane(direction);
    Outstanding transfer = lane.complete(direction, completedNanos);
    double rttNanos = rtt.known() ? Math.exp(rtt.mean()) : Double.NaN;
    double bitsPerSecond = lane.bandwidth.known() ? Math.exp(lane.bandwidth.mean()) : Double.NaN;
    long previousCompletion = lane.lastCompletedNanos;
    lane.lastCompletedNanos = completedNanos;
    double bits = transfer.bytes * 8.0;
    long duration = completedNanos - transfer.sentNanos;
    // Queued behind the previous transfer if that one completed later than this one could have on an idle
    // link. The RTT estimate carries a little wire time of past samples, so allow for it: a probe's tail,
    // sent together with its head, must count as queued even when the head's round trip came in a hair
    // under the estimate.
    boolean queued = previousCompletion > transfer.sentNanos + (rtt.known() ? (1 - QUEUED_TOLERANCE) * rttNanos : 0);

    double wireNanos = Double.NaN;
    if (queued) {
      // It left the sender right after the previous transfer: the completion gap is its own time on the wire.
      wireNanos = Math.min(duration, completedNanos - previousCompletion);
    } else if (rtt.known() && duration - rttNanos >= settings.bandwidthSampleMinRttShare() * rttNanos) {
      wireNanos = duration - rttNanos;
    }
    boolean sampled = wireNanos >= settings.minSampleTime().toNanos() && bits > 0;
    double measuredBitsPerSecond = sampled ? bits / (wireNanos / 1e9) : Double.NaN;

    PendingRtt pending = lane.pendingRtt;
    lane.pendingRtt = null;
    if (pending != null) {
      // A small transfer's round trip, minus its own time on the wire at the rate its follower just measured.
      offerRtt(pending, queued && sampled ? measuredBitsPerSecond : bitsPerSecond);
    }
    if (!queued) {
      double wire = Double.isNaN(bitsPerSecond) ? 0 : bits / bitsPerSecond * 1e9;
      // Judged against the RTT it should have taken, not the time it did take: a large transfer that met a
      // slower link must not pass for a long round trip.
      boolean small = Double.isNaN(bitsPerSecond)
          ? transfer.bytes <= settings.smallTransferBytes()
          : wire <= settings.rttSampleMaxBandwidthShare() * (rtt.known() ? rttNanos : duration);
      if (small) {
        PendingRtt candidate = new PendingRtt(duration, bits, completedNanos);
        if (lane.outstanding.isEmpty()) {
          offerRtt(candidate, bitsPerSecond);
        } else {
          // A transfer queued right behind this one will measure the rate it met; wait for it.
          lane.pendingRtt = candidate;
        }
      }
    }
    if (sampled) {
      // Timed over wireNanos by clocks that scatter by the timing noise: a relative error of their ratio.
      lane.bandwidth.offer(Math.log(measuredBitsPerSecond), completedNanos, timingNoiseNanos() / wireNanos);
    }
    if (duration > 0) {
      // Whatever the samples said, this transfer proves two bounds: it held at least one round trip, and its
      // bytes crossed within its duration. An estimate outside them is wrong, not noisy; after a collapse it
      // would otherwise starve the very samples that could correct it (an RTT inflated by a stall makes
      // every later probe look too fast to time).
      rtt.bound(Double.NEGATIVE_INFINITY, Math.log(duration));
      if (bits > 0) {
        lane.bandwidth.bound(Math.log(bits / (duration / 1e9)), Double.POSITIVE_INFINITY);
      }
    }
  }

  private void offerRtt(PendingRtt sample, double bitsPerSecond) {
    double wire = Double.isNaN(bitsPerSecond) ? 0 : sample.bits / bitsPerSecond * 1e9;
    double roundTrip = sample.durationNanos - wire;
    if (roundTrip > 0) {
      // Scatter is a round trip within the spread's floor of the estimate; one further off met a queue, a stall
      // or a changed path, which are news for the RTT, not the clocks' scatter.
      double before = rtt.known() ? Math.exp(rtt.mean()) : Double.NaN;
      boolean usual = Math.abs(roundTrip - before) <= settings.minRelativeSpread() * before;
      if (rtt.offer(Math.log(roundTrip), sample.completedNanos) == RobustEwma.Outcome.ACCEPTED && usual) {
        timingNoise(roundTrip - before, sample.completedNanos);
      }
    }
  }

  /**
   * How much the edge's timing of a transfer scatters, in nanoseconds, learnt from the round trips it measured:
   * the root mean square of the RTT samples' deviations from the estimate (over {@code timingNoiseHalfLife}; only
   * those within {@code minRelativeSpread} of it: further off, a sample met a queue or a stall), times the square
   * root of two because a bandwidth sample is the difference of two such timings (the completions of a probe's
   * head and tail, or a completion and the RTT estimate). Zero until a second round trip was measured; near zero
   * where timings are exact (the simulator, where only the wire time taken off a round trip can be off).
   */
  public double timingNoiseNanos() {
    return Math.sqrt(2 * noiseVariance);
  }

  /** Folds one RTT sample's deviation from the estimate into the timing scatter: a mean of squares, weighted by time. */
  private void timingNoise(double deviationNanos, long nanos) {
    double weight = noiseSamples == 0 ? 1 : Math.max(1 - Math.pow(2, -(double) Math.max(0, nanos - noiseNanos)
        / settings.timingNoiseHalfLife().toNanos()), 1.0 / (noiseSamples + 1));
    noiseVariance += weight * (deviationNanos * deviationNanos - noiseVariance);
    noiseSamples = Math.min(noiseSamples + 1, 1 << 20);
    noiseNanos = nanos;
  }

  /** The current estimate of one direction, dated by the ticker. */
  public Optional<LinkEstimate> estimate(Direction direction) {
    return estimate(direction, ticker.nanos());
  }

  /**
   * The estimate of one direction at {@code nowNanos}, or empty until both its bandwidth and the RTT
   * have been measured.
   */
  public Optional<LinkEstimate> estimate(Direction direction, long nowNanos) {
    Lane lane = lane(direction);
    if (!lane.bandwidth.known() || !rtt.known()) {
      return Optional.empty();
    }
    double bitsPerSecond = Math.exp(lane.bandwidth.mean());
    long rttNanos = Math.round(Math.exp(rtt.mean()));
    boolean overdue = false;
    Outstanding head = lane.outstanding.peekFirst();
    if (head != null && head.bytes > 0) {
      long sending = nowNanos - Math.max(head.sentNanos + rttNanos, lane.lastCompletedNanos);
      double bound = head.bytes * 8.0 / (sending / 1e9);
      if (sending > 0 && bound < bitsPerSecond) {
        bitsPerSecond = bound;
        overdue = true;
      }
    }
    return Optional.of(new LinkEstimate(direction, bitsPerSecond / 1e6, rttNanos,
        Math.max(0, nowNanos - lane.bandwidth.lastNanos()), Math.max(0, nowNanos - rtt.lastNanos()),
        overdue || lane.bandwidth.suspecting(nowNanos) || rtt.suspecting(nowNanos)));
  }

  /** Samples held back as outliers so far, in one direction's bandwidth. */
  public long rejectedSamples(Direction direction) {
    return lane(direction).bandwidth.rejected();
  }

  /** Changes detected so far in one direction's bandwidth. */
  public long detectedChanges(Direction direction) {
    return lane(direction).bandwidth.changes();
  }

  /** Transfers sent in one direction and not completed yet. */
  public int outstanding(Direction direction) {
    return lane(direction).outstanding.size();
  }

  private Lane lane(Direction direction) {
    return Objects.requireNonNull(direction, "direction") == Direction.UP ? up : down;
  }

  private record Outstanding(long bytes, long sentNanos) {}

  private record PendingRtt(long durationNanos, double bits, long completedNanos) {}

  /** One direction: its outstanding transfers in order and its bandwidth estimate. */
  private static final class Lane {
    final ArrayDeque<Outstanding> outstanding = new ArrayDeque<>();
    final RobustEwma bandwidth;
    long lastSentNanos = Long.MIN_VALUE;
    long lastCompletedNanos = Long.MIN_VALUE;
    PendingRtt pendingRtt;

    Lane(LinkEstimatorSettings settings) {
      this.bandwidth = new RobustEwma(settings.bandwidthHalfLife().toNanos(), settings.spreadHalfLife().toNanos(),
          settings.staleAfter().toNanos(), settings.outlierSigmas(), Math.log1p(settings.minRelativeSpread()),
          settings.changeRun());
    }

    void sent(Direction direction, long bytes, long sentNanos) {
      if (bytes < 0) {
        throw new IllegalArgumentException("a " + direction.label() + " transfer cannot have " + bytes + " bytes");
      }
      if (sentNanos < lastSentNanos) {
        throw new IllegalArgumentException(direction.label() + " transfer sent at " + sentNanos
            + " ns is reported after one sent at " + lastSentNanos + " ns; report transfers in the order they were sent");
      }
      lastSentNanos = sentNanos;
      outstanding.addLast(new Outstanding(bytes, sentNanos));
    }

    Outstanding complete(Direction direction, long completedNanos) {
      Outstanding oldest = outstanding.peekFirst();
      if (oldest == null) {
        throw new IllegalStateException("no " + direction.label() + " transfer is outstanding to complete at " + completedNanos + " ns");
      }
      if (completedNanos < oldest.sentNanos || completedNanos < lastCompletedNanos) {
        throw new IllegalArgumentException(direction.label() + " transfer sent at " + oldest.sentNanos + " ns cannot complete at "
            + completedNanos + " ns: before it was sent or before the previous completion at " + lastCompletedNanos + " ns");
      }
      return outstanding.removeFirst();
    }
  }
}
