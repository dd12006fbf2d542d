package io.partnner.runtime.plan;

import io.partnner.runtime.estimate.BlockTimeModel;
import io.partnner.runtime.estimate.CloudLoadEstimator;
import io.partnner.runtime.estimate.RobustEstimator;
import io.partnner.runtime.link.LinkEstimatorSettings;
import io.partnner.runtime.link.ProbeSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of {@link PartnnerPlanner} (and the link and profile handling of the baselines).
 *
 * @param maxCodecError a lossy codec is allowed where its measured output error is at most this; 0
 *     (the default) keeps lossy codecs out
 * @param switchGainRelative a new plan must be predicted faster by more than this share of the current one
 * @param switchGainAbsolute ... and by more than this
 * @param linkChangeRelative relative change of a bandwidth or the RTT estimate that is a LinkChanged event
 * @param loadChangeRelative relative change of the expected cloud queueing delay that, together with
 *     {@code loadChangeAbsolute}, is a CloudLoadChanged event
 * @param loadChangeAbsolute absolute change of the expected queueing delay needed for that event
 * @param profileChangeRelative relative change of the estimated time of the blocks a side just ran,
 *     against the values the last plan used, that is a ProfileUpdated event
 * @param explorationShare at most this share of requests are exploratory
 * @param explorationMaxPenalty an exploratory plan may be predicted slower than the current one by at
 *     most this share of the current prediction
 * @param staleAfter age after which a block's measured time is stale and worth refreshing
 * @param priorUplinkMbps uplink bandwidth assumed until the first estimate
 * @param priorDownlinkMbps downlink bandwidth assumed until the first estimate
 * @param priorRtt round-trip time assumed until the first estimate
 * @param blockTimes robust estimator settings for block times
 * @param flopsPrior speeds assumed per FLOP until blocks are measured
 * @param link link estimator settings
 * @param probes probe policy settings
 * @param cloudLoad cloud load estimator settings
 */
public record PlannerSettings(
    double maxCodecError,
    double switchGainRelative,
    Duration switchGainAbsolute,
    double linkChangeRelative,
    double loadChangeRelative,
    Duration loadChangeAbsolute,
    double profileChangeRelative,
    double explorationShare,
    double explorationMaxPenalty,
    Duration staleAfter,
    double priorUplinkMbps,
    double priorDownlinkMbps,
    Duration priorRtt,
    RobustEstimator.Settings blockTimes,
    BlockTimeModel.Settings flopsPrior,
    LinkEstimatorSettings link,
    ProbeSettings probes,
    CloudLoadEstimator.Settings cloudLoad) {

  /**
   * Lossy codecs off; switch for a predicted gain over 5% and 1 ms; re-plan on a 20% change of a
   * bandwidth or the RTT (under 10% timing noise, 10% made a re-plan every fourth request), a 10% and
   * 1 ms change of the queueing delay or a 5% change of the blocks just run; explore at most 2% of
   * requests at a predicted penalty of at most 25%; blocks stale after 30 s; a 10 Mbit/s, 20 ms link
   * assumed until measured.
   */
  public static final PlannerSettings DEFAULT = new PlannerSettings(
      0, 0.05, Duration.ofMillis(1), 0.20, 0.10, Duration.ofMillis(1), 0.05, 0.02, 0.25, Duration.ofSeconds(30),
      10, 10, Duration.ofMillis(20), RobustEstimator.Settings.DEFAULT, BlockTimeModel.Settings.DEFAULT,
      LinkEstimatorSettings.defaults(), ProbeSettings.defaults(), CloudLoadEstimator.Settings.DEFAULT);

  public PlannerSettings {
    nonNegative("maxCodecError", maxCodecError);
    share("switchGainRelative", switchGainRelative);
    notNegative("switchGainAbsolute", switchGainAbsolute);
    share("linkChangeRelative", linkChangeRelative);
    share("loadChangeRelative", loadChangeRelative);
    notNegative("loadChangeAbsolute", loadChangeAbsolute);
    share("profileChangeRelative", profileChangeRelative);
    share("explorationShare", explorationShare);
    nonNegative("explorationMaxPenalty", explorationMaxPenalty);
    notNegative("staleAfter", staleAfter);
    if (staleAfter.isZero()) {
      throw new IllegalArgumentException("staleAfter must be positive, got " + staleAfter);
    }
    positive("priorUplinkMbps", priorUplinkMbps);
    positive("priorDownlinkMbps", priorDownlinkMbps);
    notNegative("priorRtt", priorRtt);
    Objects.requireNonNull(blockTimes, "blockTimes");
    Objects.requireNonNull(flopsPrior, "flopsPrior");
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(probes, "probes");
    Objects.requireNonNull(cloudLoad, "cloudLoad");
  }

  /** These settings with another bound on a lossy codec's output error. */
  public PlannerSettings withMaxCodecError(double newMaxCodecError) {
    return new PlannerSettings(newMaxCodecError, switchGainRelative, switchGainAbsolute, linkChangeRelative,
        loadChangeRelative, loadChangeAbsolute, profileChangeRelative, explorationShare, explorationMaxPenalty,
        staleAfter, priorUplinkMbps, priorDownlinkMbps, priorRtt, blockTimes, flopsPrior, link, probes, cloudLoad);
  }

  /** These settings with other switching thresholds. */
  public PlannerSettings withSwitchGain(double relative, Duration absolute) {
    return new PlannerSettings(maxCodecError, relative, absolute, linkChangeRelative, loadChangeRelative,
        loadChangeAbsolute, profileChangeRelative, explorationShare, explorationMaxPenalty, staleAfter,
        priorUplinkMbps, priorDownlinkMbps, priorRtt, blockTimes, flopsPrior, link, probes, cloudLoad);
  }

  /** These settings with another exploration share and penalty bound. */
  public PlannerSettings withExploration(double share, double maxPenalty) {
    return new PlannerSettings(maxCodecError, switchGainRelative, switchGainAbsolute, linkChangeRelative,
        loadChangeRelative, loadChangeAbsolute, profileChangeRelative, share, maxPenalty, staleAfter,
        priorUplinkMbps, priorDownlinkMbps, priorRtt, blockTimes, flopsPrior, link, probes, cloudLoad);
  }

  private static void share(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
    }
  }

  private static void nonNegative(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
    }
  }

  private static void positive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be positive and finite, got " + value);
    }
  }

  private static void notNegative(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, got " + value);
    }
  }
}
