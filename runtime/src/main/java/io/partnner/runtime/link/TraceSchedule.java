package io.partnner.runtime.link;

/** A link direction whose capacity follows a {@link BandwidthTrace}, looped or held at its end. */
final class TraceSchedule implements RateSchedule {
  private final BandwidthTrace trace;
  private final double bitsPerPass;

  TraceSchedule(BandwidthTrace trace) {
    this.trace = trace;
    double bits = 0;
    for (int i = 0; i < trace.stepCount(); i++) {
      bits += trace.stepMbps(i) * 1e6 * (trace.stepEndNanos(i) - trace.stepStartNanos(i)) / 1e9;
    }
    this.bitsPerPass = bits;
    if (bits == 0) {
      throw new IllegalArgumentException(trace.source() + ": every rate is zero, so nothing could ever cross the emulated link");
    }
  }

  @Override
  public double bitsPerSecondAt(long nanos) {
    return trace.stepMbps(trace.stepAt(nanos)) * 1e6;
  }

  @Override
  public long drainedAt(long startNanos, double bits) {
    long duration = trace.durationNanos();
    long now = startNanos;
    double left = bits;
    while (left > 0) {
      boolean held = trace.end() == TraceEnd.HOLD && now >= trace.stepStartNanos(trace.stepCount() - 1);
      if (held) {
        double rate = trace.stepMbps(trace.stepCount() - 1) * 1e6;
        if (rate == 0) {
          throw new IllegalStateException(trace.source() + " holds 0 Mbit/s from " + trace.stepStartNanos(trace.stepCount() - 1) / 1e9
              + " s on, so a transfer still sending then never finishes; loop the trace instead");
        }
        return Math.addExact(now, RateSchedule.nanosFor(left, rate));
      }
      long passStart = now - Math.floorMod(now, duration);
      if (now == passStart && trace.end() == TraceEnd.LOOP && left > bitsPerPass) {
        // Whole passes of a looped trace carry a known number of bits; skip them instead of walking every step.
        long passes = (long) Math.floor(left / bitsPerPass) - 1;
        if (passes > 0) {
          now = Math.addExact(now, Math.multiplyExact(passes, duration));
          left -= passes * bitsPerPass;
          continue;
        }
      }
      int step = trace.stepAt(now);
      long stepEnd = passStart + trace.stepEndNanos(step);
      double rate = trace.stepMbps(step) * 1e6;
      double capacity = rate * (stepEnd - now) / 1e9;
      if (rate > 0 && capacity >= left) {
        return Math.min(stepEnd, now + RateSchedule.nanosFor(left, rate));
      }
      left -= capacity;
      now = stepEnd;
    }
    return now;
  }

  @Override
  public String describe() {
    return trace.toString();
  }
}
