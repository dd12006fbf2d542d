package io.partnner.runtime.sim;

import io.partnner.runtime.link.BandwidthTrace;
import io.partnner.runtime.link.Direction;
import io.partnner.runtime.link.LinkEmulator;
import io.partnner.runtime.link.LinkPreset;
import io.partnner.runtime.link.TraceEnd;
import io.partnner.runtime.time.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/** The emulated link of a simulated scenario: a preset or constant rates, or a trace per direction (looped), with an RTT. */
public final class LinkSpec {
  private final String label;
  private final BandwidthTrace up;
  private final BandwidthTrace down;
  private final double upMbps;
  private final double downMbps;
  private final Duration rtt;
  private final Steps upSteps;
  private final Steps downSteps;

  /** A looped trace as arrays, for integrating transfers across its rows. */
  private record Steps(long[] starts, double[] bitsPerSecond, long durationNanos) {
    static Steps of(BandwidthTrace trace) {
      int rows = trace.rows();
      long[] starts = new long[rows];
      double[] rates = new double[rows];
      boolean any = false;
      for (int row = 0; row < rows; row++) {
        starts[row] = Math.round(trace.rowStartSeconds(row) * 1e9);
        double end = row + 1 < rows ? trace.rowStartSeconds(row + 1) : trace.durationSeconds();
        // Read in the middle of the row: a boundary read through seconds may land a nanosecond early.
        rates[row] = trace.mbpsAt((trace.rowStartSeconds(row) + end) / 2) * 1e6;
        any |= rates[row] > 0;
      }
      if (!any) {
        throw new IllegalArgumentException(trace.source() + ": every rate is zero, so nothing could ever cross the link");
      }
      return new Steps(starts, rates, Math.round(trace.durationSeconds() * 1e9));
    }

    int rowAt(long nanos) {
      int found = java.util.Arrays.binarySearch(starts, Math.floorMod(nanos, durationNanos));
      return found >= 0 ? found : -found - 2;
    }

    /** Nanoseconds {@code bits} sent from {@code atNanos} on take to leave the sender. */
    double wireNanos(double bits, long atNanos) {
      long now = atNanos;
      double left = bits;
      while (true) {
        int row = rowAt(now);
        long passStart = now - Math.floorMod(now, durationNanos);
        long rowEnd = passStart + (row + 1 < starts.length ? starts[row + 1] : durationNanos);
        double rate = bitsPerSecond[row];
        double capacity = rate * (rowEnd - now) / 1e9;
        if (rate > 0 && capacity >= left) {
          return now - atNanos + left / rate * 1e9;
        }
        left -= capacity;
        now = rowEnd;
      }
    }
  }

  private LinkSpec(String label, BandwidthTrace up, BandwidthTrace down, double upMbps, double downMbps, Duration rtt) {
    Objects.requireNonNull(rtt, "rtt");
    if (rtt.isNegative()) {
      throw new IllegalArgumentException("link RTT must not be negative, got " + rtt);
    }
    this.label = label;
    this.up = up == null ? null : up.withEnd(TraceEnd.LOOP);
    this.down = down == null ? null : down.withEnd(TraceEnd.LOOP);
    this.upMbps = upMbps;
    this.downMbps = downMbps;
    this.rtt = rtt;
    this.upSteps = up == null ? null : Steps.of(up);
    this.downSteps = down == null ? null : Steps.of(down);
  }

  /** A constant link with a standard's bandwidths and RTT. */
  public static LinkSpec preset(LinkPreset preset) {
    return new LinkSpec(preset.label(), null, null, preset.mbps(Direction.UP), preset.mbps(Direction.DOWN), preset.rtt());
  }

  /**
   * A constant link.
   *
   * @throws IllegalArgumentException for a bandwidth that is not positive
   */
  public static LinkSpec constant(double upMbps, double downMbps, Duration rtt) {
    if (!(upMbps > 0) || !(downMbps > 0) || Double.isInfinite(upMbps) || Double.isInfinite(downMbps)) {
      throw new IllegalArgumentException("a constant link needs positive finite bandwidths, got " + upMbps + " and "
          + downMbps + " Mbit/s");
    }
    return new LinkSpec("constant " + upMbps + "/" + downMbps + " Mbit/s", null, null, upMbps, downMbps, rtt);
  }

  /** Both directions follow {@code trace}, looped. */
  public static LinkSpec trace(BandwidthTrace trace, Duration rtt) {
    return traces(trace, trace, rtt);
  }

  /** Each direction follows its own trace, looped. */
  public static LinkSpec traces(BandwidthTrace upTrace, BandwidthTrace downTrace, Duration rtt) {
    Objects.requireNonNull(upTrace, "upTrace");
    Objects.requireNonNull(downTrace, "downTrace");
    String label = upTrace == downTrace ? upTrace.source() : upTrace.source() + " / " + downTrace.source();
    return new LinkSpec(label, upTrace, downTrace, Double.NaN, Double.NaN, rtt);
  }

  /** A short description for tables. */
  public String label() {
    return label;
  }

  /** The round-trip time. */
  public Duration rtt() {
    return rtt;
  }

  /** A fresh emulator whose time zero is the start of the run. */
  LinkEmulator open() {
    Ticker zero = () -> 0L;
    return up == null
        ? LinkEmulator.ofConstant(upMbps, downMbps, rtt, zero)
        : LinkEmulator.ofTraces(up, down, rtt, zero);
  }

  /**
   * Nanoseconds {@code bytes} handed to an idle direction at {@code atNanos} take to leave the sender,
   * integrated across the trace's steps as the emulator does.
   */
  double wireNanos(Direction direction, long bytes, long atNanos) {
    Steps steps = direction == Direction.UP ? upSteps : downSteps;
    if (steps == null) {
      return bytes * 8.0 / ((direction == Direction.UP ? upMbps : downMbps) * 1e6) * 1e9;
    }
    return steps.wireNanos(bytes * 8.0, atNanos);
  }

  /** The times in {@code (0, untilNanos]} at which the rate of either direction changes, ascending. */
  List<Long> changeTimes(long untilNanos) {
    TreeSet<Long> times = new TreeSet<>();
    if (up != null) {
      addChanges(up, untilNanos, times);
      addChanges(down, untilNanos, times);
    }
    return new ArrayList<>(times);
  }

  private static void addChanges(BandwidthTrace trace, long untilNanos, TreeSet<Long> times) {
    int rows = trace.rows();
    double[] rates = new double[rows];
    for (int row = 0; row < rows; row++) {
      // Read in the middle of the row: a boundary read through seconds may land a nanosecond early.
      double end = row + 1 < rows ? trace.rowStartSeconds(row + 1) : trace.durationSeconds();
      rates[row] = trace.mbpsAt((trace.rowStartSeconds(row) + end) / 2);
    }
    long pass = Math.round(trace.durationSeconds() * 1e9);
    for (long offset = 0; offset <= untilNanos; offset += pass) {
      for (int row = 0; row < rows; row++) {
        long at = offset + Math.round(trace.rowStartSeconds(row) * 1e9);
        if (at == 0 || at > untilNanos) {
          continue;
        }
        // The first row of a later pass follows the last row of the pass before.
        if (rates[row] != rates[(row + rows - 1) % rows]) {
          times.add(at);
        }
      }
    }
  }

  @Override
  public String toString() {
    return label + ", RTT " + rtt.toMillis() + " ms";
  }
}
