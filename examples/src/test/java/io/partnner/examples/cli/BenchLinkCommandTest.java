package io.partnner.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench link}: the table, the contract's last line, and one clear line per bad input. */
final class BenchLinkCommandTest {
  @TempDir Path dir;

  private record Outcome(int status, String out, String err) {
    List<String> lines() {
      return out.strip().lines().toList();
    }
  }

  private static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Outcome(status, out.toString(), err.toString());
  }

  @Test
  void benchLink_shippedTrace_printsTheTableAndTheContractLastLine() {
    Outcome outcome = run("bench", "link", "--trace", "shipped:hsdpa3g-bus-20100928.csv", "--report-every", "60", "--seed", "7");
    assertThat(outcome.status()).as(outcome.err()).isZero();
    List<String> lines = outcome.lines();
    assertThat(lines.get(0)).startsWith("link emulation (not a real network): shipped trace hsdpa3g-bus-20100928.csv (448 rows");
    assertThat(lines.get(1)).startsWith("traffic: Poisson 2.00 requests/s, 300 kB up in 32 kB acknowledged chunks, 4 kB down");
    assertThat(lines.get(2)).contains("time", "up true", "up est", "err", "down true", "down est", "rtt est");
    // 461.9 s in rows of 60 s: seven full rows and the end.
    List<String> rows = lines.subList(4, 12);
    assertThat(rows).allMatch(row -> row.matches("\\s*\\d+\\.\\d( +-?\\d+\\.\\d+){6}"), "numeric rows");
    assertThat(rows.get(7)).startsWith("   461.9");
    String last = lines.get(lines.size() - 1);
    assertThat(last).matches("bandwidth estimate mean abs error \\d+\\.\\d%");
    double error = Double.parseDouble(last.substring("bandwidth estimate mean abs error ".length(), last.length() - 1));
    assertThat(error).isFinite().isBetween(0.0, 100.0);
  }

  @Test
  void benchLink_fileTrace_runsTheSameWay() throws IOException {
    Path trace = Files.writeString(dir.resolve("steps.csv"), "t_s,mbps\n0,8\n10,2\n20,4\n");
    Outcome outcome = run("bench", "link", "--trace", trace.toString(), "--rtt-ms", "80", "--request-rate", "1", "--transfer-kb", "200");
    assertThat(outcome.status()).as(outcome.err()).isZero();
    assertThat(outcome.out()).contains("RTT 80.0 ms", "200 kB up");
    assertThat(outcome.lines().get(outcome.lines().size() - 1)).matches("bandwidth estimate mean abs error \\d+\\.\\d%");
  }

  @Test
  void benchLink_badTrace_oneClearLineNamingFileAndLine() throws IOException {
    Path trace = Files.writeString(dir.resolve("bad.csv"), "t_s,mbps\n0,1\n1,-3\n");
    Outcome outcome = run("bench", "link", "--trace", trace.toString());
    assertThat(outcome.status()).isEqualTo(1);
    assertThat(outcome.err().strip()).isEqualTo("partnner link: error: trace file " + trace + " line 3: mbps -3 is negative");
    Outcome missing = run("bench", "link", "--trace", dir.resolve("missing.csv").toString());
    assertThat(missing.err().strip()).isEqualTo("partnner link: error: trace file " + dir.resolve("missing.csv") + ": no such file");
    Outcome unknown = run("bench", "link", "--trace", "shipped:nope.csv");
    assertThat(unknown.err().strip()).startsWith("partnner link: error: no shipped trace nope.csv; shipped traces are [");
  }

  @Test
  void benchLink_badOption_oneClearLine() {
    Outcome rtt = run("bench", "link", "--trace", "shipped:fcc-u8299-amazon.csv", "--rtt-ms", "-5");
    assertThat(rtt.status()).isEqualTo(1);
    assertThat(rtt.err().strip()).isEqualTo("partnner link: error: --rtt-ms must be a non-negative number, got -5.0");
    Outcome longRtt = run("bench", "link", "--trace", "shipped:fcc-u8299-amazon.csv", "--rtt-ms", "20000");
    assertThat(longRtt.err().strip()).isEqualTo("partnner link: error: RTT must be between 0 and 10 s, got 20000 ms");
    Outcome rate = run("bench", "link", "--trace", "shipped:fcc-u8299-amazon.csv", "--request-rate", "0");
    assertThat(rate.err().strip()).isEqualTo("partnner link: error: request rate must be in (0, 1000] Hz, got 0.0");
    Outcome chunk = run("bench", "link", "--trace", "shipped:fcc-u8299-amazon.csv", "--chunk-kb", "0");
    assertThat(chunk.err().strip()).isEqualTo("partnner link: error: --chunk-kb must be a positive size up to 10 GB, got 0.0");
  }
}
