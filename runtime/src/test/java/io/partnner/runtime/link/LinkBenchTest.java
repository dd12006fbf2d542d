package io.partnner.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

final class LinkBenchTest {
  /** Four minutes of one-minute steps: 10, 2, 5 and 20 Mbit/s. */
  private static final BandwidthTrace STEPS = BandwidthTrace.parse("steps", stepText(new double[] {10, 2, 5, 20}, 60));

  private static String stepText(double[] levels, int secondsEach) {
    StringBuilder text = new StringBuilder(BandwidthTrace.HEADER).append('\n');
    for (int i = 0; i < levels.length * secondsEach; i++) {
      text.append(i).append(',').append(levels[i / secondsEach]).append('\n');
    }
    return text.toString();
  }

  @Test
  void run_syntheticStepTrace_tracksTheUplinkClosely() {
    LinkBench.Result result = LinkBench.run(STEPS, LinkBench.Settings.defaults());
    assertThat(result.meanAbsErrorPercent()).isBetween(0.0, 2.0);
    assertThat(result.seconds()).isEqualTo(240.0);
    assertThat(result.rows()).hasSize(8);
    assertThat(result.rows().get(7).seconds()).isEqualTo(240.0);
    // Rows show the last instant of their window: the 60 s row still has the 10 Mbit/s step.
    assertThat(result.rows().get(1).trueUpMbps()).isEqualTo(10.0);
    assertThat(result.rows().get(1).estimatedUpMbps()).isCloseTo(10.0, within(1.0));
    assertThat(result.rows().get(3).trueUpMbps()).isEqualTo(2.0);
    assertThat(result.rows().get(3).estimatedUpMbps()).isCloseTo(2.0, within(0.2));
    assertThat(result.finalRttMillis()).isCloseTo(50.0, within(5.0));
    assertThat(result.warmupSeconds()).isLessThan(1.0);
    assertThat(result.zeroTruthSeconds()).isZero();
    assertThat(result.offloaded()).isPositive().isLessThanOrEqualTo(result.requests());
    assertThat(result.probeShareUp()).isPositive().isLessThanOrEqualTo(LinkBench.Settings.defaults().probes().linkShare());
  }

  @Test
  void run_sameSeed_sameResult() {
    LinkBench.Settings settings = LinkBench.Settings.defaults();
    assertThat(LinkBench.run(STEPS, settings)).isEqualTo(LinkBench.run(STEPS, settings));
  }

  @Test
  void run_zeroBandwidthSeconds_areLeftOutOfTheError() {
    BandwidthTrace gaps = BandwidthTrace.parse("gaps", stepText(new double[] {4, 0, 4, 0, 4}, 5));
    LinkBench.Result result = LinkBench.run(gaps, LinkBench.Settings.defaults());
    assertThat(result.zeroTruthSeconds()).isCloseTo(10.0, within(0.01));
    assertThat(result.meanAbsErrorPercent()).isFinite();
  }

  @Test
  void run_sharedTraces_medianErrorMeetsTheGoalOf15Percent() {
    List<Double> errors = new ArrayList<>();
    for (Path file : SharedTraces.all()) {
      double error = LinkBench.run(BandwidthTrace.read(file), LinkBench.Settings.defaults()).meanAbsErrorPercent();
      assertThat(error).as(file.getFileName().toString()).isFinite();
      errors.add(error);
    }
    Collections.sort(errors);
    assertThat(errors.get(errors.size() / 2)).as("median of " + errors).isLessThanOrEqualTo(15.0);
  }

  @Test
  void settings_badValues_areRejected() {
    LinkBench.Settings d = LinkBench.Settings.defaults();
    assertThatThrownBy(() -> new LinkBench.Settings(Duration.ofMillis(-1), d.requestRateHz(), d.tensorBytes(), d.resultBytes(),
        d.chunkBytes(), d.seed(), d.reportEvery(), d.estimator(), d.probes())).hasMessage("RTT must be between 0 and 10 s, got -1 ms");
    assertThatThrownBy(() -> new LinkBench.Settings(d.rtt(), 0, d.tensorBytes(), d.resultBytes(), d.chunkBytes(), d.seed(),
        d.reportEvery(), d.estimator(), d.probes())).hasMessage("request rate must be in (0, 1000] Hz, got 0.0");
    assertThatThrownBy(() -> new LinkBench.Settings(d.rtt(), d.requestRateHz(), 0, d.resultBytes(), d.chunkBytes(), d.seed(),
        d.reportEvery(), d.estimator(), d.probes())).hasMessage("tensor, result and chunk sizes must be at least 1 byte, got 0, 4000 and 32000");
  }
}
