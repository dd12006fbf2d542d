package io.partnner.runtime.link;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Runs an emulated link along a bandwidth trace in virtual time, with the traffic of an edge that offloads
 * inference, while a {@link LinkEstimator} and {@link ProbePolicy} learn the link from what the edge
 * observes; then scores the uplink estimate against the emulator's truth.
 *
 * <p>Requests arrive as a Poisson process. Each sends its tensor up in chunks that the cloud acknowledges
 * one by one, and the cloud sends a small result back once the whole tensor has arrived. The edge keeps
 * at most one tensor on the link: a request that arrives while the previous tensor is still uploading
 * runs on the edge instead, as the planner would do on a link too slow for the offered load. While a
 * direction is idle the probe policy may probe it. The trace drives both directions and loops if a
 * transfer outlasts it; the score covers the trace's own duration.
 *
 * <p>The score is the time-weighted mean over the run of |estimate - truth| / truth of the uplink,
 * evaluated every millisecond from the first estimate on; time where the truth is zero is left out
 * (a relative error is undefined there) and reported.
 */
public final class LinkBench {
  private static final long GRID_NANOS = 1_000_000;
  private static final long PROBE = -1;
  private static final long RESULT = -2;

  /**
   * The scenario.
   *
   * @param rtt round-trip time of the emulated link
   * @param requestRateHz mean request rate (Poisson)
   * @param tensorBytes bytes each request sends up
   * @param resultBytes bytes each result brings down
   * @param chunkBytes size of the acknowledged pieces a tensor is sent in
   * @param seed seed of the request arrivals
   * @param reportEvery time between table rows
   * @param estimator estimator settings
   * @param probes probe policy settings
   */
  public record Settings(
      Duration rtt,
      double requestRateHz,
      long tensorBytes,
      long resultBytes,
      long chunkBytes,
      long seed,
      Duration reportEvery,
      LinkEstimatorSettings estimator,
      ProbeSettings probes) {

    /** Checks every value. */
    public Settings {
      Objects.requireNonNull(rtt, "rtt");
      Objects.requireNonNull(reportEvery, "reportEvery");
      Objects.requireNonNull(estimator, "estimator");
      Objects.requireNonNull(probes, "probes");
      if (rtt.isNegative() || rtt.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException("RTT must be between 0 and 10 s, got " + rtt.toMillis() + " ms");
      }
      if (!(requestRateHz > 0 && requestRateHz <= 1000)) {
        throw new IllegalArgumentException("request rate must be in (0, 1000] Hz, got " + requestRateHz);
      }
      if (tensorBytes < 1 || resultBytes < 1 || chunkBytes < 1) {
        throw new IllegalArgumentException("tensor, result and chunk sizes must be at least 1 byte, got "
            + tensorBytes + ", " + resultBytes + " and " + chunkBytes);
      }
      if (tensorBytes / chunkBytes > 100_000) {
        throw new IllegalArgumentException("a " + tensorBytes + "-byte tensor in " + chunkBytes + "-byte chunks makes too many chunks");
      }
      if (reportEvery.toMillis() < 1) {
        throw new IllegalArgumentException("report interval must be at least 1 ms, got " + reportEvery);
      }
    }

    /** Defaults: 50 ms RTT, 2 requests/s, 300 KB up in 32 KB chunks, 4 KB down, seed 1, a row every 30 s. */
    public static Settings defaults() {
      return new Settings(Duration.ofMillis(50), 2.0, 300_000, 4_000, 32_000, 1, Duration.ofSeconds(30),
          LinkEstimatorSettings.defaults(), ProbeSettings.defaults());
    }
  }

  /**
   * One row of the table: the state just before {@code seconds}, and the uplink error averaged since the
   * previous row. Estimates are NaN before the first one exists.
   */
  public record Row(double seconds, double trueUpMbps, double estimatedUpMbps, double windowErrorPercent,
      double trueDownMbps, double estimatedDownMbps, double estimatedRttMillis) {}

  /**
   * The outcome.
   *
   * @param rows the table
   * @param meanAbsErrorPercent time-weighted mean of |estimate - truth| / truth of the uplink, in percent
   *     (NaN when no estimate ever existed)
   * @param seconds length of the run: the trace's duration
   * @param warmupSeconds time until the first uplink estimate
   * @param zeroTruthSeconds time with zero true bandwidth, left out of the mean
   * @param requests requests that arrived
   * @param offloaded requests whose tensor went up the link
   * @param probesUp uplink probes sent
   * @param probesDown downlink probes sent
   * @param probeShareUp probe bits sent up over the bits the uplink could carry during the run
   * @param finalRttMillis the RTT estimate at the end
   */
  public record Result(List<Row> rows, double meanAbsErrorPercent, double seconds, double warmupSeconds,
      double zeroTruthSeconds, long requests, long offloaded, long probesUp, long probesDown, double probeShareUp,
      double finalRttMillis) {
    /** Copies the rows. */
    public Result {
      rows = List.copyOf(rows);
    }
  }

  private LinkBench() {}

  /**
   * Runs the scenario along one pass of {@code trace} (looped if a transfer outlasts it).
   *
   * @throws IllegalArgumentException for a trace whose rates are all zero
   */
  public static Result run(BandwidthTrace trace, Settings settings) {
    return new Run(trace.withEnd(TraceEnd.LOOP), settings).run();
  }

  private enum Kind { ARRIVAL, UP_COMPLETED, DOWN_COMPLETED, CLOUD_SENDS_RESULT, CLOUD_SENDS_PROBE, PROBE_CHECK }

  private record Event(long nanos, long order, Kind kind, Direction direction, long token, boolean last) {}

  /** One run's mutable state; time zero is the start of the trace. */
  private static final class Run {
    private final Settings settings;
    private final VirtualClock clock = new VirtualClock();
    private final LinkEmulator link;
    private final LinkEstimator estimator;
    private final ProbePolicy policy;
    private final SplittableRandom random;
    private final PriorityQueue<Event> events =
        new PriorityQueue<>((a, b) -> a.nanos != b.nanos ? Long.compare(a.nanos, b.nanos) : Long.compare(a.order, b.order));
    private final long endNanos;
    private final long halfRtt;
    private final long[] checkToken = new long[2];
    private final List<Row> rows = new ArrayList<>();
    private final List<Probe> pendingDownProbes = new ArrayList<>();
    private long order;
    private boolean tensorUploading;
    private int resultsInFlight;
    private long requests;
    private long offloaded;
    private double capacityBitsUp;
    private double errorNanos;
    private double scoredNanos;
    private double windowErrorNanos;
    private double windowScoredNanos;
    private double zeroTruthNanos;
    private long firstEstimateNanos = -1;

    Run(BandwidthTrace trace, Settings settings) {
      this.settings = settings;
      this.link = LinkEmulator.ofTraces(trace, trace, settings.rtt(), clock);
      this.estimator = new LinkEstimator(settings.estimator(), clock);
      this.policy = new ProbePolicy(settings.probes(), estimator);
      this.random = new SplittableRandom(settings.seed());
      this.endNanos = trace.durationNanos();
      this.halfRtt = settings.rtt().toNanos() / 2;
    }

    Result run() {
      push(nextArrival(0), Kind.ARRIVAL, Direction.UP, 0, false);
      scheduleCheck(Direction.UP, 0);
      scheduleCheck(Direction.DOWN, 0);
      long report = settings.reportEvery().toNanos();
      long nextReport = Math.min(report, endNanos);
      long grid = 0;
      while (grid < endNanos) {
        Event next = events.peek();
        if (next != null && next.nanos <= grid) {
          events.poll();
          clock.set(next.nanos);
          handle(next);
          continue;
        }
        clock.set(grid);
        score(grid);
        grid += GRID_NANOS;
        if (grid >= nextReport) {
          rows.add(row(Math.min(grid, endNanos)));
          windowErrorNanos = 0;
          windowScoredNanos = 0;
          nextReport = Math.min(nextReport + report, endNanos);
        }
      }
      double mean = scoredNanos == 0 ? Double.NaN : 100 * errorNanos / scoredNanos;
      double rttMillis = estimator.estimate(Direction.UP, endNanos).map(e -> e.rttNanos() / 1e6).orElse(Double.NaN);
      return new Result(rows, mean, endNanos / 1e9, firstEstimateNanos < 0 ? Double.NaN : firstEstimateNanos / 1e9,
          zeroTruthNanos / 1e9, requests, offloaded, policy.probes(Direction.UP), policy.probes(Direction.DOWN),
          policy.probeBytes(Direction.UP) * 8.0 / capacityBitsUp, rttMillis);
    }

    private void handle(Event event) {
      long now = event.nanos;
      switch (event.kind) {
        case ARRIVAL -> {
          requests++;
          if (!tensorUploading) {
            sendTensor(now);
          }
          long next = nextArrival(now);
          if (next < endNanos) {
            push(next, Kind.ARRIVAL, Direction.UP, 0, false);
          }
        }
        case UP_COMPLETED -> {
          estimator.onCompleted(Direction.UP, now);
          if (event.token != PROBE && event.last) {
            tensorUploading = false;
          }
          scheduleCheck(Direction.UP, now);
        }
        case CLOUD_SENDS_RESULT -> {
          resultsInFlight++;
          Transfer result = link.schedule(Direction.DOWN, settings.resultBytes(), now);
          push(result.finishNanos(), Kind.DOWN_COMPLETED, Direction.DOWN, RESULT, false);
        }
        case CLOUD_SENDS_PROBE -> {
          Probe probe = pendingDownProbes.remove(0);
          Transfer head = link.schedule(Direction.DOWN, probe.headBytes(), now);
          Transfer tail = link.schedule(Direction.DOWN, probe.tailBytes(), now);
          push(head.finishNanos(), Kind.DOWN_COMPLETED, Direction.DOWN, PROBE, false);
          push(tail.finishNanos(), Kind.DOWN_COMPLETED, Direction.DOWN, PROBE, true);
        }
        case DOWN_COMPLETED -> {
          if (event.token == RESULT) {
            // Results are not timed by the edge (it cannot tell when the cloud began sending), so they
            // only occupy the downlink.
            resultsInFlight--;
          } else {
            estimator.onCompleted(Direction.DOWN, now);
          }
          scheduleCheck(Direction.DOWN, now);
        }
        case PROBE_CHECK -> probeIfDue(event, now);
      }
    }

    private void sendTensor(long now) {
      tensorUploading = true;
      offloaded++;
      long left = settings.tensorBytes();
      while (left > 0) {
        long chunk = Math.min(left, settings.chunkBytes());
        left -= chunk;
        Transfer transfer = link.schedule(Direction.UP, chunk, now);
        estimator.onSent(Direction.UP, chunk, now);
        // The cloud acknowledges each chunk on arrival; the acknowledgement takes half a round trip back.
        push(transfer.finishNanos() + halfRtt, Kind.UP_COMPLETED, Direction.UP, 0, left == 0);
        if (left == 0) {
          push(transfer.finishNanos(), Kind.CLOUD_SENDS_RESULT, Direction.DOWN, 0, false);
        }
      }
    }

    private void probeIfDue(Event event, long now) {
      Direction direction = event.direction;
      if (event.token != checkToken[direction.ordinal()] || !idle(direction)) {
        return;
      }
      var probe = policy.poll(direction, now);
      if (probe.isEmpty()) {
        scheduleCheck(direction, now);
        return;
      }
      Probe sent = probe.get();
      estimator.onSent(direction, sent.headBytes(), now);
      estimator.onSent(direction, sent.tailBytes(), now);
      if (direction == Direction.UP) {
        Transfer head = link.schedule(Direction.UP, sent.headBytes(), now);
        Transfer tail = link.schedule(Direction.UP, sent.tailBytes(), now);
        push(head.finishNanos() + halfRtt, Kind.UP_COMPLETED, Direction.UP, PROBE, false);
        push(tail.finishNanos() + halfRtt, Kind.UP_COMPLETED, Direction.UP, PROBE, true);
      } else {
        // The request for the probe reaches the cloud half a round trip later; it then sends head and tail.
        pendingDownProbes.add(sent);
        push(now + halfRtt, Kind.CLOUD_SENDS_PROBE, Direction.DOWN, 0, false);
      }
    }

    private boolean idle(Direction direction) {
      return estimator.outstanding(direction) == 0 && (direction == Direction.UP || resultsInFlight == 0);
    }

    private void scheduleCheck(Direction direction, long now) {
      if (!idle(direction)) {
        return;
      }
      long token = ++checkToken[direction.ordinal()];
      push(policy.nextProbeNanos(direction, now), Kind.PROBE_CHECK, direction, token, false);
    }

    private void score(long now) {
      double truth = link.trueMbps(Direction.UP, now);
      capacityBitsUp += truth * 1e6 * GRID_NANOS / 1e9;
      if (truth == 0) {
        zeroTruthNanos += GRID_NANOS;
        return;
      }
      var estimate = estimator.estimate(Direction.UP, now);
      if (estimate.isEmpty()) {
        return;
      }
      if (firstEstimateNanos < 0) {
        firstEstimateNanos = now;
      }
      double error = Math.abs(estimate.get().mbps() - truth) / truth * GRID_NANOS;
      errorNanos += error;
      scoredNanos += GRID_NANOS;
      windowErrorNanos += error;
      windowScoredNanos += GRID_NANOS;
    }

    private Row row(long now) {
      // The last instant of the window, so a row on a step boundary shows the step that just ended.
      long at = Math.min(now, endNanos) - 1;
      var up = estimator.estimate(Direction.UP, at);
      var down = estimator.estimate(Direction.DOWN, at);
      return new Row(now / 1e9, link.trueMbps(Direction.UP, at), up.map(LinkEstimate::mbps).orElse(Double.NaN),
          windowScoredNanos == 0 ? Double.NaN : 100 * windowErrorNanos / windowScoredNanos,
          link.trueMbps(Direction.DOWN, at), down.map(LinkEstimate::mbps).orElse(Double.NaN),
          up.map(e -> e.rttNanos() / 1e6).orElse(Double.NaN));
    }

    private long nextArrival(long now) {
      double gapSeconds = -Math.log(1 - random.nextDouble()) / settings.requestRateHz();
      return now + Math.max(1, Math.round(gapSeconds * 1e9));
    }

    private void push(long nanos, Kind kind, Direction direction, long token, boolean last) {
      events.add(new Event(nanos, order++, kind, direction, token, last));
    }
  }
}
