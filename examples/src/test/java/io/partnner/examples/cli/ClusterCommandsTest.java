package io.partnner.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job ({@code demo}) and {@code bench live} on a small model: they run and keep their contracts. */
final class ClusterCommandsTest {
  @Test
  void demoRunsAnEdgeAndTwoCloudNodesOnAShippedTrace() {
    List<String> lines = CommandRun.lines("demo", "--model", "zoo:mobilenet_v2@0.25", "--requests", "5");
    assertThat(lines).anySatisfy(line -> assertThat(line).isEqualTo(
        "demo: 2 cloud executors up; running 5 inferences, one after another"));
    assertThat(lines).anySatisfy(line -> assertThat(line).matches("\\s+5 requests\\s+mean\\s+[\\d.]+ ms.*"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("demo: plan in force Plan[cut="));
  }

  @Test
  void benchLivePrintsLiveAndSimulatedMeansAndTheContractLine(@TempDir Path cache) {
    List<String> lines = CommandRun.lines("bench", "live", "--models", "zoo:mobilenet_v2@0.25", "--devices", "x4", "--links", "wifi",
        "--requests", "3", "--profile-cache", cache.toString());
    assertThat(lines).anySatisfy(line -> assertThat(line)
        .matches("mobilenet_v2@0.25\\s+x4\\s+wifi(\\s+[\\d.]+){6}\\s+[\\d.]+x(\\s+[\\d.]+){5}(\\s+[\\d.]+x){2}"));
    String row = lines.stream().filter(line -> line.startsWith("mobilenet_v2@0.25")).findFirst().orElseThrow();
    String[] fields = row.trim().split("\\s+");
    double measuredDevice = Double.parseDouble(fields[9].replace("x", ""));
    // Three requests of a tiny model are mostly warm-up, so only the sign is checked here.
    assertThat(measuredDevice).as("the live edge's device against the nominal x4").isPositive();
    double withMeasuredDevice = Double.parseDouble(fields[14]);
    assertThat(lines).anySatisfy(line -> assertThat(line)
        .matches("partnner live/sim with the nominal device \\(stored profile\\): \\d+\\.\\d{3}"));
    assertThat(lines.get(lines.size() - 1)).matches("live/sim latency ratio \\d+\\.\\d{3}")
        .endsWith(String.format(java.util.Locale.ROOT, "%.3f", withMeasuredDevice));
  }
}
