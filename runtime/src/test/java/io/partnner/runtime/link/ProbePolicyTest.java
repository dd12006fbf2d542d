package io.partnner.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.partnner.runtime.time.TestingTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class ProbePolicyTest {
  private static final long MS = 1_000_000;
  private static final long S = 1_000_000_000;

  private final TestingTicker ticker = new TestingTicker();
  private final LinkEstimator estimator = new LinkEstimator(LinkEstimatorSettings.defaults(), ticker);
  private final ProbeSettings settings = ProbeSettings.defaults();
  private final ProbePolicy policy = new ProbePolicy(settings, estimator);

  /** Sends a probe up the link as the link monitor would and reports it; returns when its tail is acknowledged. */
  private long send(LinkEmulator link, Probe probe, long now) {
    long half = link.trueRtt().toNanos() / 2;
    estimator.onSent(Direction.UP, probe.headBytes(), now);
    estimator.onSent(Direction.UP, probe.tailBytes(), now);
    long headDone = link.schedule(Direction.UP, probe.headBytes(), now).finishNanos() + half;
    long tailDone = link.schedule(Direction.UP, probe.tailBytes(), now).finishNanos() + half;
    estimator.onCompleted(Direction.UP, headDone);
    estimator.onCompleted(Direction.UP, tailDone);
    return tailDone;
  }

  /** Probes an otherwise idle uplink for {@code seconds}; returns the probe bits sent. */
  private double idleFor(LinkEmulator link, long seconds) {
    double bits = 0;
    long now = 0;
    while (true) {
      now = policy.nextProbeNanos(Direction.UP, now);
      if (now >= seconds * S) {
        return bits;
      }
      Probe probe = policy.poll(Direction.UP, now).orElseThrow();
      bits += probe.totalBytes() * 8.0;
      now = send(link, probe, now);
    }
  }

  @Test
  void poll_longIdlePeriod_staysUnderTheShareOfTheLink() {
    LinkEmulator link = LinkEmulator.ofConstant(10, 10, Duration.ofMillis(50), ticker);
    long seconds = 600;
    double bits = idleFor(link, seconds);
    double capacity = 10e6 * seconds;
    // The share of what the link could carry, plus the bucket the first estimate opens and the first probe,
    // sent before there was an estimate to charge it against.
    double allowance = settings.linkShare() * (1 + settings.budgetWindow().toNanos() / (double) (seconds * S))
        + (settings.headBytes() + settings.minTailBytes()) * 8.0 / capacity;
    assertThat(bits / capacity).isLessThanOrEqualTo(allowance).isGreaterThan(0.9 * settings.linkShare());
    assertThat(policy.probeBytes(Direction.UP)).isEqualTo(Math.round(bits / 8));
    LinkEstimate estimate = estimator.estimate(Direction.UP, seconds * S).orElseThrow();
    assertThat(estimate.mbps()).isCloseTo(10, within(1.0));
    assertThat(estimate.rttNanos()).isCloseTo(50 * MS, within(5 * MS));
  }

  @Test
  void poll_fastIdleLink_growsProbesUntilThereIsAnEstimate() {
    // The smallest tail crosses a 1 Gbit/s link in ~2 us, too fast to time: probes must grow.
    LinkEmulator link = LinkEmulator.ofConstant(1000, 1000, Duration.ofMillis(20), ticker);
    idleFor(link, 20);
    LinkEstimate estimate = estimator.estimate(Direction.UP, 20 * S).orElseThrow();
    assertThat(estimate.mbps()).isCloseTo(1000, within(100.0));
  }

  @Test
  void poll_afterTheEstimateCollapsed_probesUntilTheLinkIsSeenAgain() {
    // Two minutes at 10 kbit/s (an outage in all but name) leave an estimate that prices the budget at
    // almost nothing; when the link is back at 100 Mbit/s, probes must still come and find it.
    LinkEmulator dip = LinkEmulator.ofConstant(0.01, 0.01, Duration.ofMillis(50), ticker);
    long now = probeUntil(dip, 0, 120 * S);
    assertThat(estimator.estimate(Direction.UP, now).orElseThrow().mbps()).isLessThan(0.1);
    LinkEmulator back = LinkEmulator.ofConstant(100, 100, Duration.ofMillis(50), ticker);
    now = probeUntil(back, now, now + 15 * S);
    assertThat(estimator.estimate(Direction.UP, now).orElseThrow().mbps()).isGreaterThan(50);
  }

  /** Probes an idle uplink from {@code from} until {@code until}; returns the time it stopped. */
  private long probeUntil(LinkEmulator link, long from, long until) {
    long now = from;
    while (true) {
      long due = policy.nextProbeNanos(Direction.UP, now);
      if (due >= until) {
        return until;
      }
      now = send(link, policy.poll(Direction.UP, due).orElseThrow(), due);
    }
  }

  @Test
  void poll_linkTooSlowForTheSmallestProbe_stillHoldsTheShareInTheLongRun() {
    LinkEmulator link = LinkEmulator.ofConstant(0.05, 0.05, Duration.ofMillis(50), ticker);
    long seconds = 600;
    double bits = idleFor(link, seconds);
    double capacity = 0.05e6 * seconds;
    // The smallest probe (64 + 256 bytes) is bigger than the bucket (1000 bits). Beyond the share: the bucket the
    // first estimate opens, the first probe (sent before there is an estimate to charge it against) and one
    // probe of debt.
    double slack = (settings.linkShare() * 0.05e6 * settings.budgetWindow().toSeconds() + 2 * 320 * 8) / capacity;
    assertThat(bits / capacity).isLessThanOrEqualTo(settings.linkShare() + slack);
    assertThat(policy.probes(Direction.UP)).isGreaterThan(10);
  }

  @Test
  void nextProbeNanos_probesMoreOftenWhenTheEstimateIsOld() {
    LinkEmulator link = LinkEmulator.ofConstant(10, 10, Duration.ofMillis(50), ticker);
    long done = send(link, policy.poll(Direction.UP, 0).orElseThrow(), 0);
    // Fresh and steady: the idle interval after the last probe.
    long second = policy.nextProbeNanos(Direction.UP, done);
    assertThat(second).isEqualTo(settings.idleInterval().toNanos());
    long secondDone = send(link, policy.poll(Direction.UP, second).orElseThrow(), second);
    assertThat(policy.nextProbeNanos(Direction.UP, secondDone)).isEqualTo(second + settings.idleInterval().toNanos());
    // Old: polled 1.5 s later, the estimate is past staleAfter until this probe reports back, so the next is urgent.
    long late = secondDone + 1500 * MS;
    assertThat(policy.poll(Direction.UP, late)).isPresent();
    assertThat(policy.nextProbeNanos(Direction.UP, late)).isEqualTo(late + settings.urgentInterval().toNanos());
  }

  @Test
  void nextProbeNanos_changeSuspected_isUrgent() {
    ProbeSettings slow = new ProbeSettings(0.02, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMillis(50),
        Duration.ofSeconds(60), 64, Duration.ofMillis(2), 5, 256, 1 << 20);
    ProbePolicy patient = new ProbePolicy(slow, estimator);
    LinkEmulator link = LinkEmulator.ofConstant(10, 10, Duration.ofMillis(50), ticker);
    long now = send(link, patient.poll(Direction.UP, 0).orElseThrow(), 0);
    for (int i = 0; i < 5; i++) {
      estimator.onSent(Direction.UP, 100_000, now);
      now = link.schedule(Direction.UP, 100_000, now).finishNanos() + 25 * MS;
      estimator.onCompleted(Direction.UP, now);
    }
    assertThat(patient.nextProbeNanos(Direction.UP, now)).isEqualTo(10 * S);
    // A transfer that took five times too long leaves the estimate in doubt: probe now rather than in ten seconds.
    estimator.onSent(Direction.UP, 100_000, now);
    now += 50 * MS + 400 * MS;
    estimator.onCompleted(Direction.UP, now);
    assertThat(estimator.estimate(Direction.UP, now).orElseThrow().changeSuspected()).isTrue();
    assertThat(patient.nextProbeNanos(Direction.UP, now)).isEqualTo(now);
  }

  @Test
  void poll_sizesTheTailToTheTargetTimeAtTheEstimatedBandwidth() {
    LinkEmulator link = LinkEmulator.ofConstant(10, 10, Duration.ofMillis(50), ticker);
    Probe first = policy.poll(Direction.UP, 0).orElseThrow();
    // Nothing known yet: the smallest probe.
    assertThat(first).isEqualTo(new Probe(Direction.UP, settings.headBytes(), settings.minTailBytes()));
    long done = send(link, first, 0);
    Probe sized = policy.poll(Direction.UP, policy.nextProbeNanos(Direction.UP, done)).orElseThrow();
    // 10 Mbit/s for 2 ms: 2500 bytes.
    assertThat(sized.tailBytes()).isCloseTo(2500, within(5L));
    assertThat(sized.totalBytes()).isEqualTo(sized.headBytes() + sized.tailBytes());
  }

  @Test
  void settings_badValues_areRejectedWithTheirName() {
    ProbeSettings d = ProbeSettings.defaults();
    assertThatThrownBy(() -> new ProbeSettings(0, d.budgetWindow(), d.idleInterval(), d.urgentInterval(), d.staleAfter(),
        d.headBytes(), d.tailTarget(), d.tailNoiseMultiple(), d.minTailBytes(), d.maxTailBytes())).hasMessage("linkShare must be in (0, 0.5], got 0.0");
    assertThatThrownBy(() -> new ProbeSettings(d.linkShare(), d.budgetWindow(), Duration.ofMillis(10), Duration.ofMillis(20),
        d.staleAfter(), d.headBytes(), d.tailTarget(), d.tailNoiseMultiple(), d.minTailBytes(), d.maxTailBytes()))
        .hasMessage("urgentInterval PT0.02S must not be longer than idleInterval PT0.01S");
    assertThatThrownBy(() -> new ProbeSettings(d.linkShare(), d.budgetWindow(), d.idleInterval(), d.urgentInterval(), d.staleAfter(),
        d.headBytes(), d.tailTarget(), d.tailNoiseMultiple(), 10, 5)).hasMessage("tail sizes must satisfy 1 <= minTailBytes <= maxTailBytes, got 10 and 5");
    assertThatThrownBy(() -> new Probe(Direction.UP, 0, 10)).hasMessage("invalid probe: UP head 0 bytes, tail 10 bytes");
  }
}
