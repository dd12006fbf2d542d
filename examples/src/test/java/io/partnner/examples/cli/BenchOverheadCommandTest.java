package io.partnner.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench overhead}: both variants run through real nodes; the table and the last-line contract, not the speed. */
final class BenchOverheadCommandTest {
  @Test
  void runsBothVariantsAndEndsWithTheContractLine() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true),
        "bench", "overhead", "--model", "zoo:mobilenet_v2@0.25", "--runs", "3", "--warmup", "1");
    assertThat(status).as(out + "\n" + err).isZero();
    List<String> lines = out.toString().strip().lines().toList();
    assertThat(lines).anySatisfy(line -> assertThat(line).matches("partnner edge-only \\(actors\\)\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+"));
    assertThat(lines).anySatisfy(line -> assertThat(line).matches("partnner split at cut \\d+ \\(2 nodes\\)\\s+[\\d.]+\\s+[\\d.]+\\s+[\\d.]+"));
    assertThat(lines.get(lines.size() - 1)).matches("overhead ratio edge-only \\d+\\.\\d{3}, split \\d+\\.\\d{3}");
  }

  @Test
  void aCutOutsideTheModelIsOneClearError() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true),
        "bench", "overhead", "--model", "zoo:mobilenet_v2@0.25", "--cut", "0");
    assertThat(status).isNotZero();
    assertThat(err.toString()).contains("--cut 0: a split needs a cut in 1..");
  }
}
