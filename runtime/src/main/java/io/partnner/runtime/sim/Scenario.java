package io.partnner.runtime.sim;

import io.partnner.runtime.plan.CloudDeadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One simulated scenario: a measured model, an edge device slowdown, a link, the cloud's load over
 * time, and the requests. Build with {@link #of} and the {@code with} methods.
 *
 * @param profile block times and crossing costs measured on this machine (the cloud side)
 * @param slowdown the emulated edge device: its blocks (and its encoding) take this many times longer
 * @param link the emulated link
 * @param loadSteps other requests queued at the cloud executor over time, sorted by time
 * @param backgroundServiceNanos service time of one of those other requests
 * @param requests how many requests to serve
 * @param arrivals when they start
 * @param seed seeds every random draw
 * @param noise true to draw block times around their means with the measured spread; false for the means
 * @param loadReportEvery how often the cloud executor reports its load
 * @param probes true to probe an idle link direction as the link monitor does
 * @param maxCodecError largest relative error of a lossy codec the oracle may use (0: lossless only)
 * @param deadline how long the edge waits for a cloud answer before it finishes the request itself, from
 *     the strategy's prediction (as the live gateway does)
 */
public record Scenario(
    MeasuredProfile profile,
    double slowdown,
    LinkSpec link,
    List<LoadStep> loadSteps,
    long backgroundServiceNanos,
    int requests,
    Arrivals arrivals,
    long seed,
    boolean noise,
    Duration loadReportEvery,
    boolean probes,
    double maxCodecError,
    CloudDeadline deadline) {

  /** Checks every value and sorts the load steps. */
  public Scenario {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(arrivals, "arrivals");
    Objects.requireNonNull(loadReportEvery, "loadReportEvery");
    Objects.requireNonNull(deadline, "deadline");
    if (!(slowdown >= 1) || Double.isInfinite(slowdown)) {
      throw new IllegalArgumentException("edge slowdown must be a finite factor >= 1, got " + slowdown);
    }
    List<LoadStep> sorted = new ArrayList<>(loadSteps);
    sorted.sort(Comparator.comparingLong(LoadStep::atNanos));
    loadSteps = List.copyOf(sorted);
    if (backgroundServiceNanos < 0) {
      throw new IllegalArgumentException("background service time must be >= 0, got " + backgroundServiceNanos + " ns");
    }
    if (requests < 1) {
      throw new IllegalArgumentException("a scenario needs at least one request, got " + requests);
    }
    if (loadReportEvery.isNegative() || loadReportEvery.isZero()) {
      throw new IllegalArgumentException("load reports need a positive period, got " + loadReportEvery);
    }
    if (!(maxCodecError >= 0)) {
      throw new IllegalArgumentException("codec error bound must be >= 0, got " + maxCodecError);
    }
  }

  /**
   * Defaults: no cloud load (other requests, when added, take the whole model's measured time), 1,000
   * requests one after another, seed 1, measured noise, a load report every 100 ms, probing, lossless
   * codecs only, the default cloud deadline.
   */
  public static Scenario of(MeasuredProfile profile, double slowdown, LinkSpec link) {
    return new Scenario(profile, slowdown, link, List.of(), Math.round(profile.totalMeanNanos()), 1000,
        Arrivals.closedLoop(Duration.ZERO), 1, true, Duration.ofMillis(100), true, 0, CloudDeadline.DEFAULT);
  }

  /** The same with another cloud-load schedule. */
  public Scenario withLoadSteps(List<LoadStep> steps) {
    return new Scenario(profile, slowdown, link, steps, backgroundServiceNanos, requests, arrivals, seed, noise,
        loadReportEvery, probes, maxCodecError, deadline);
  }

  /** The same with another service time for the other requests at the cloud. */
  public Scenario withBackgroundServiceNanos(long nanos) {
    return new Scenario(profile, slowdown, link, loadSteps, nanos, requests, arrivals, seed, noise,
        loadReportEvery, probes, maxCodecError, deadline);
  }

  /** The same with another request count. */
  public Scenario withRequests(int count) {
    return new Scenario(profile, slowdown, link, loadSteps, backgroundServiceNanos, count, arrivals, seed, noise,
        loadReportEvery, probes, maxCodecError, deadline);
  }

  /** The same with other arrivals. */
  public Scenario withArrivals(Arrivals newArrivals) {
    return new Scenario(profile, slowdown, link, loadSteps, backgroundServiceNanos, requests, newArrivals, seed, noise,
        loadReportEvery, probes, maxCodecError, deadline);
  }

  /** The same with another seed. */
  public Scenario withSeed(long newSeed) {
    return new Scenario(profile, slowdown, link, loadSteps, backgroundServiceNanos, requests, arrivals, newSeed, noise,
        loadReportEvery, probes, maxCodecError, deadline);
  }

  /** The same with block-time noise on or off. */
  public Scenario withNoise(boolean on) {
    return new Scenario(profile, slowdown, link, loadSteps, backgroundServiceNanos, requests, arrivals, seed, on,
        loadReportEvery, probes, maxCodecError, deadline);
  }

  /** The same with another load-report period. */
  public Scenario withLoadReportEvery(Duration period) {
    return new Scenario(profile, slowdown, link, loadSteps, backgroundServiceNanos, requests, arrivals, seed, noise,
        period, probes, maxCodecError, deadline);
  }

  /** The same with link probing on or off. */
  public Scenario withProbes(boolean on) {
    return new Scenario(profile, slowdown, link, loadSteps, backgroundServiceNanos, requests, arrivals, seed, noise,
        loadReportEvery, on, maxCodecError, deadline);
  }

  /** The same with another bound on lossy codecs' error. */
  public Scenario withMaxCodecError(double bound) {
    return new Scenario(profile, slowdown, link, loadSteps, backgroundServiceNanos, requests, arrivals, seed, noise,
        loadReportEvery, probes, bound, deadline);
  }

  /** The same with another cloud deadline. */
  public Scenario withDeadline(CloudDeadline newDeadline) {
    return new Scenario(profile, slowdown, link, loadSteps, backgroundServiceNanos, requests, arrivals, seed, noise,
        loadReportEvery, probes, maxCodecError, newDeadline);
  }

  /** Other requests queued at the cloud executor at a time from the start of the run. */
  public int queuedAt(long nanos) {
    int queued = 0;
    for (LoadStep step : loadSteps) {
      if (step.atNanos() > nanos) {
        break;
      }
      queued = step.queuedRequests();
    }
    return queued;
  }
}
