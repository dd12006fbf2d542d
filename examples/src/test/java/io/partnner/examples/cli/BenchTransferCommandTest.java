package io.partnner.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code bench transfer} on tiny tensors: the table, the last-line contract and the frame-size refusal, not the speed. */
final class BenchTransferCommandTest {
  private static final String NUMBER = "\\d+\\.\\d+|\\d+";
  private static final String ROW = "(0\\.1|0\\.2) MB\\s+\\d+ \\|(\\s+(" + NUMBER + ")){3} \\|(\\s+(" + NUMBER
      + ")){2} \\| (artery|bulk)\\s+(" + NUMBER + ") \\|(\\s+(" + NUMBER + ")){3}";

  private record Outcome(int status, List<String> lines, String err) {}

  private static Outcome tiny;

  private static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Outcome(status, out.toString().strip().lines().toList(), err.toString());
  }

  @BeforeAll
  static void runTiny() {
    // Two nodes, two sizes of 0.1 and 0.2 MB, two timed round trips each: a few seconds in all.
    tiny = run("bench", "transfer", "--sizes", "0.1,0.2", "--repeats", "2", "--warmup", "1", "--warmup-seconds", "0.2",
        "--in-flight", "3", "--seed", "7");
  }

  private static List<String[]> rows() {
    return tiny.lines().stream().filter(line -> line.matches(ROW)).map(line -> line.split("[\\s|]+")).toList();
  }

  @Test
  void tiny_succeedsQuietly() {
    assertThat(tiny.status()).as(tiny.err()).isZero();
    assertThat(tiny.err()).isEmpty();
    assertThat(tiny.lines()).anySatisfy(line -> assertThat(line).contains("seed 7"));
  }

  @Test
  void tiny_printsOneRowPerSizeWithPositiveFiguresForEveryTransport() {
    assertThat(tiny.lines()).as(String.join("\n", tiny.lines())).filteredOn(line -> line.matches(ROW)).hasSize(2);
    for (String[] row : rows()) {
      // size, MB, message B, artery ms, bulk ms, raw ms, artery ratio, bulk ratio, path, ratio,
      // then pipelined artery, bulk and raw MB/s
      assertThat(Long.parseLong(row[2])).as("message bytes").isGreaterThan(100_000);
      for (int column : new int[] {3, 4, 5, 6, 7, 9, 10, 11, 12}) {
        assertThat(Double.parseDouble(row[column])).as(String.join(" ", row) + ", column " + column).isPositive();
      }
    }
  }

  @Test
  void tiny_eachSizeTakesTheRuntimesPathForItsSize() {
    // partnner.bulk.threshold is 1 KiB: 0.1 and 0.2 MB crossings go on the bulk lane.
    for (String[] row : rows()) {
      assertThat(row[8]).isEqualTo("bulk");
      assertThat(row[9]).isEqualTo(row[7]);
    }
  }

  @Test
  void tiny_lastLineIsTheContractAndTheSmallestSequentialRatioOfTheRuntimesPath() {
    String last = tiny.lines().get(tiny.lines().size() - 1);
    assertThat(last).matches("partnner/raw throughput ratio \\d+\\.\\d{3}");
    double smallest = rows().stream().mapToDouble(row -> Double.parseDouble(row[9])).min().orElseThrow();
    assertThat(Double.parseDouble(last.substring(last.lastIndexOf(' ') + 1))).isEqualTo(smallest);
  }

  @Test
  void sizeOver20MB_isRefusedUpFrontNamingTheFrameLimit() {
    Outcome outcome = run("bench", "transfer", "--sizes", "1,25");
    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.lines()).isEmpty();
    assertThat(outcome.err().strip().lines()).singleElement().satisfies(line -> assertThat(line)
        .startsWith("partnner transfer: error: a 25 MB tensor is over 20 MB")
        .contains("pekko.remote.artery.advanced.maximum-large-frame-size = 24 MiB"));
  }

  @Test
  void nonPositiveSize_isRefused() {
    Outcome outcome = run("bench", "transfer", "--sizes", "0");
    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err()).contains("--sizes must be positive");
  }
}
