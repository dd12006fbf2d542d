package io.partnner.runtime.link;

import io.partnner.runtime.time.Ticker;
import java.time.Duration;
import java.util.Objects;

/**
 * An emulated edge-cloud link (DESIGN section 7), not a real network: it computes when each transfer
 * would arrive, and the caller waits until then. A transfer takes half the round-trip time plus its bits
 * over the bandwidth, integrated across bandwidth steps when the bandwidth changes while it is sending.
 * Each direction is a FIFO: a transfer starts once the previous one in that direction has finished
 * leaving the sender. The half RTT of propagation overlaps the next transfer, as on a real link, where
 * the next packet follows the previous one onto the wire without waiting for it to arrive.
 *
 * <p>The true bandwidth and RTT ({@link #trueMbps}, {@link #trueRtt}) are for benchmarks and oracles
 * that score estimates; estimators must learn the link from transfer timings alone. Thread-safe.
 */
public final class LinkEmulator {
  private static final System.Logger LOG = System.getLogger(LinkEmulator.class.getName());

  private final RateSchedule up;
  private final RateSchedule down;
  private final long rttNanos;
  private final long halfRttNanos;
  private final Ticker ticker;
  private final long originNanos;
  private long upFreeNanos;
  private long downFreeNanos;
  /** Outage windows as [from, until) pairs of ticker times, in the order they were declared. */
  private final java.util.List<long[]> outages = new java.util.ArrayList<>();

  private LinkEmulator(RateSchedule up, RateSchedule down, Duration rtt, Ticker ticker) {
    Objects.requireNonNull(rtt, "rtt");
    if (rtt.isNegative()) {
      throw new IllegalArgumentException("link RTT must not be negative, got " + rtt.toMillis() + " ms");
    }
    this.up = up;
    this.down = down;
    this.rttNanos = rtt.toNanos();
    this.halfRttNanos = rttNanos / 2;
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.originNanos = ticker.nanos();
    this.upFreeNanos = originNanos;
    this.downFreeNanos = originNanos;
    LOG.log(System.Logger.Level.INFO, "link emulation (not a real network): {0}", this);
  }

  /** A constant link with the bandwidths and RTT of a link standard; time zero is the ticker's now. */
  public static LinkEmulator ofPreset(LinkPreset preset, Ticker ticker) {
    return ofConstant(preset.mbps(Direction.UP), preset.mbps(Direction.DOWN), preset.rtt(), ticker);
  }

  /**
   * A constant link; time zero is the ticker's now.
   *
   * @throws IllegalArgumentException for a bandwidth that is not positive or a negative RTT
   */
  public static LinkEmulator ofConstant(double upMbps, double downMbps, Duration rtt, Ticker ticker) {
    return new LinkEmulator(new ConstantSchedule(upMbps), new ConstantSchedule(downMbps), rtt, ticker);
  }

  /**
   * A link whose bandwidth follows a trace per direction (the same trace may serve both); trace time
   * zero is the ticker's now.
   *
   * @throws IllegalArgumentException for a trace whose rates are all zero or a negative RTT
   */
  public static LinkEmulator ofTraces(BandwidthTrace upTrace, BandwidthTrace downTrace, Duration rtt, Ticker ticker) {
    return new LinkEmulator(new TraceSchedule(upTrace), new TraceSchedule(downTrace), rtt, ticker);
  }

  /** Schedules a transfer handed to the link now, by the injected ticker. */
  public Transfer schedule(Direction direction, long bytes) {
    return schedule(direction, bytes, ticker.nanos());
  }

  /**
   * Schedules a transfer of {@code bytes} handed to the link at {@code nowNanos} behind every transfer
   * scheduled before it in the same direction.
   *
   * @throws IllegalArgumentException for negative bytes or a time before the emulation started
   * @throws IllegalStateException when a held trace stays at zero so the transfer never finishes
   */
  public synchronized Transfer schedule(Direction direction, long bytes, long nowNanos) {
    Objects.requireNonNull(direction, "direction");
    if (bytes < 0) {
      throw new IllegalArgumentException("a transfer cannot have " + bytes + " bytes");
    }
    checkTime(nowNanos);
    RateSchedule rates = direction == Direction.UP ? up : down;
    long start = afterOutages(Math.max(nowNanos, direction == Direction.UP ? upFreeNanos : downFreeNanos));
    long drained = originNanos + rates.drainedAt(start - originNanos, bytes * 8.0);
    // An outage that begins while the bytes are leaving holds the rest until it ends.
    for (long[] outage : outages) {
      if (outage[0] >= start && outage[0] < drained) {
        drained += outage[1] - outage[0];
      }
    }
    if (direction == Direction.UP) {
      upFreeNanos = drained;
    } else {
      downFreeNanos = drained;
    }
    return new Transfer(direction, bytes, nowNanos, start, drained + halfRttNanos);
  }

  /**
   * Emulates an outage: from {@code fromNanos} to {@code untilNanos} (ticker times) nothing leaves either end;
   * transfers wait for it to end, bytes already on the way arrive. For fault injection; the monitors are not
   * told, they see transfers stop completing.
   *
   * @throws IllegalArgumentException when the window is empty or reversed
   */
  public synchronized void outage(long fromNanos, long untilNanos) {
    if (untilNanos <= fromNanos) {
      throw new IllegalArgumentException("an outage must end after it begins, got " + fromNanos + ".." + untilNanos);
    }
    outages.add(new long[] {fromNanos, untilNanos});
    LOG.log(System.Logger.Level.WARNING, "link emulation: outage of {0} ms", (untilNanos - fromNanos) / 1_000_000);
  }

  private long afterOutages(long nanos) {
    long at = nanos;
    for (boolean moved = true; moved; ) {
      moved = false;
      for (long[] outage : outages) {
        if (at >= outage[0] && at < outage[1]) {
          at = outage[1];
          moved = true;
        }
      }
    }
    return at;
  }

  /** The true bandwidth of a direction at a time, in Mbit/s: for benchmarks and oracles only. */
  public double trueMbps(Direction direction, long nowNanos) {
    checkTime(nowNanos);
    return (direction == Direction.UP ? up : down).bitsPerSecondAt(nowNanos - originNanos) / 1e6;
  }

  /** The true round-trip time: for benchmarks and oracles only. */
  public Duration trueRtt() {
    return Duration.ofNanos(rttNanos);
  }

  /** The ticker time the emulation (and its traces) started at. */
  public long originNanos() {
    return originNanos;
  }

  private void checkTime(long nowNanos) {
    if (nowNanos < originNanos) {
      throw new IllegalArgumentException("time " + nowNanos + " ns is before the link emulation started at " + originNanos + " ns");
    }
  }

  @Override
  public String toString() {
    return "emulated link, uplink " + up.describe() + ", downlink " + down.describe() + ", RTT " + rttNanos / 1e6 + " ms";
  }
}
