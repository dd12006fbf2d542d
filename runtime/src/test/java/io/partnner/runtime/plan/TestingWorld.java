package io.partnner.runtime.plan;

import io.partnner.runtime.link.Direction;
import io.partnner.runtime.link.Probe;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.time.TestingTicker;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * A tiny closed-loop world for strategies: one request at a time, true mean block times per side, a
 * first-in first-out link with a bandwidth per direction and an RTT, a cloud queue. It serves a
 * strategy's plan, feeds it the observations the live system would make (block times, transfer timings,
 * load reports, probes it asks for) in the order they happen, and knows the truth for an oracle.
 */
final class TestingWorld implements TruthSource {
  private static final long THINK_NANOS = 100_000_000;

  private final ModelProfile profile;
  private final CodecSizes sizes;
  private final LatencyModel truth;
  private final double[] edgeMean;
  private final double[] cloudMean;
  private final TestingTicker ticker;
  private final Random random;
  private final double noise;
  private double linkNoise;
  private double uplinkMbps = 10;
  private double downlinkMbps = 10;
  private long rttNanos = 20_000_000;
  private int queueLength;
  private long serviceNanos = 20_000_000;

  /**
   * A world with a 10 Mbit/s, 20 ms link and an idle cloud.
   *
   * @param noise relative standard deviation of block and wire times (lognormal, mean-preserving); 0 for none
   */
  TestingWorld(ModelProfile profile, CodecSizes sizes, double[] edgeMean, double[] cloudMean, TestingTicker ticker,
      long seed, double noise) {
    this.profile = profile;
    this.sizes = sizes;
    this.truth = new LatencyModel(profile, sizes, Double.MAX_VALUE);
    this.edgeMean = edgeMean.clone();
    this.cloudMean = cloudMean.clone();
    this.ticker = ticker;
    this.random = new Random(seed);
    this.noise = noise;
    this.linkNoise = noise;
  }

  /** Another relative noise of wire times than of block times. */
  TestingWorld linkNoise(double relative) {
    this.linkNoise = relative;
    return this;
  }

  TestingWorld link(double upMbps, double downMbps, long rtt) {
    this.uplinkMbps = upMbps;
    this.downlinkMbps = downMbps;
    this.rttNanos = rtt;
    return this;
  }

  TestingWorld load(int queue, long service) {
    this.queueLength = queue;
    this.serviceNanos = service;
    return this;
  }

  /** Every candidate plan the world can serve, lossy ones included. */
  List<Plan> allPlans() {
    return truth.candidates();
  }

  Conditions conditions() {
    return new Conditions(edgeMean, cloudMean, uplinkMbps, downlinkMbps, rttNanos, (double) queueLength * serviceNanos);
  }

  @Override
  public long trueLatencyNanos(Plan plan, long atNanos) {
    return Math.round(truth.predict(plan, conditions()).totalNanos());
  }

  /** The true latency of the best plan among {@code candidates}. */
  long bestTrueLatencyNanos(List<Plan> candidates) {
    long best = Long.MAX_VALUE;
    for (Plan plan : candidates) {
      best = Math.min(best, trueLatencyNanos(plan, ticker.nanos()));
    }
    return best;
  }

  /** Serves one request under the strategy's plan, feeds it the observations, and idles a while. */
  Served serve(Strategy strategy) {
    long start = ticker.nanos();
    Plan plan = strategy.plan(start);
    int cut = plan.cut();
    int blocks = profile.blockCount();
    List<Observation> events = new ArrayList<>();
    double edge = 0;
    List<Long> edgeTimes = new ArrayList<>();
    for (int block = 0; block < cut; block++) {
      long time = Math.round(edgeMean[block] * factor(noise));
      edgeTimes.add(time);
      edge += time;
    }
    double end = start + edge;
    if (cut > 0) {
      events.add(new Observation.BlocksTimed(Side.EDGE, 0, edgeTimes, Math.round(end)));
    }
    if (cut < blocks) {
      CodecSizes.Size size = sizes.sizes(cut).stream().filter(s -> s.codec().equals(plan.codec())).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no size for " + plan));
      CodecSizes.Cost cost = sizes.cost(plan.codec());
      long raw = profile.cuts().get(cut).crossingBytes();
      double sent = end + cost.encodeNanosPerByte() * raw;
      double upWire = Conditions.wireNanos(size.bytes(), uplinkMbps) * factor(linkNoise);
      events.add(new Observation.TransferTimed(
          Direction.UP, size.bytes(), Math.round(sent), Math.round(sent + rttNanos + upWire)));
      double cloud = 0;
      List<Long> cloudTimes = new ArrayList<>();
      for (int block = cut; block < blocks; block++) {
        long time = Math.round(cloudMean[block] * factor(noise));
        cloudTimes.add(time);
        cloud += time;
      }
      double downWire = Conditions.wireNanos(profile.resultBytes(), downlinkMbps) * factor(linkNoise);
      end = sent + rttNanos / 2.0 + upWire + (double) queueLength * serviceNanos + cost.decodeNanosPerByte() * raw
          + cloud + rttNanos / 2.0 + downWire;
      events.add(new Observation.TransferTimed(
          Direction.DOWN, profile.resultBytes(), Math.round(end - rttNanos - downWire), Math.round(end)));
      events.add(new Observation.BlocksTimed(Side.CLOUD, cut, cloudTimes, Math.round(end)));
    }
    long finish = Math.round(end);
    events.add(new Observation.LoadReported("cloud-1", queueLength, serviceNanos, finish));
    events.add(new Observation.RequestCompleted(plan, finish - start, finish));
    feed(strategy, events);
    probe(strategy, finish);
    ticker.advanceNanos(Math.max(0, finish + THINK_NANOS - ticker.nanos()));
    return new Served(plan, finish - start);
  }

  /** Probes the strategy asks for while the link is idle, completing well within the think time. */
  private void probe(Strategy strategy, long idleFrom) {
    if (!(strategy instanceof LinkProbing prober)) {
      return;
    }
    List<Observation> events = new ArrayList<>();
    for (Direction direction : Direction.values()) {
      Optional<Probe> probe = prober.pollProbe(direction, idleFrom);
      if (probe.isPresent()) {
        double mbps = direction == Direction.UP ? uplinkMbps : downlinkMbps;
        double head = Conditions.wireNanos(probe.get().headBytes(), mbps);
        double tail = Conditions.wireNanos(probe.get().tailBytes(), mbps) * factor(linkNoise);
        events.add(new Observation.TransferTimed(
            direction, probe.get().headBytes(), idleFrom, Math.round(idleFrom + rttNanos + head)));
        events.add(new Observation.TransferTimed(
            direction, probe.get().tailBytes(), idleFrom, Math.round(idleFrom + rttNanos + head + tail)));
      }
    }
    feed(strategy, events);
  }

  private void feed(Strategy strategy, List<Observation> events) {
    events.sort(Comparator.comparingLong(Observation::atNanos));
    for (Observation event : events) {
      ticker.advanceNanos(Math.max(0, event.atNanos() - ticker.nanos()));
      strategy.observe(event);
    }
  }

  private double factor(double relative) {
    if (relative == 0) {
      return 1;
    }
    double sigma = Math.sqrt(Math.log1p(relative * relative));
    return Math.exp(sigma * random.nextGaussian() - sigma * sigma / 2);
  }

  /** One served request: its plan and its end-to-end latency. */
  record Served(Plan plan, long latencyNanos) {}
}
