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
        .matches("mobilenet_v2@0.25\\s+x4\\s+wifi(\\s+[\\d.]+){7}(\\s+[\\d.]+x){2}"));
    assertThat(lines.get(lines.size() - 1)).matches("live/sim latency ratio \\d+\\.\\d{3}");
  }
}
