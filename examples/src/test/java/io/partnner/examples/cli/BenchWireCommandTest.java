package io.partnner.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench wire --quick}: the table and the last-line contract of DESIGN section 10, not the speed. */
final class BenchWireCommandTest {
  private static final String NUMBER = "\\d+(\\.\\d+)?";

  private static List<String> runQuick(String... extra) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] args = new String[3 + extra.length];
    args[0] = "bench";
    args[1] = "wire";
    args[2] = "--quick";
    System.arraycopy(extra, 0, args, 3, extra.length);
    int status = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    assertThat(status).as(err.toString()).isZero();
    assertThat(err.toString()).isEmpty();
    return out.toString().strip().lines().toList();
  }

  @Test
  void quick_lastLineIsTheContract() {
    List<String> lines = runQuick();
    assertThat(lines.get(lines.size() - 1)).matches("wire throughput ratio vs copy \\d+\\.\\d{3}");
  }

  @Test
  void quick_printsOneRowPerSizeWithNumbers() {
    List<String> lines = runQuick();
    for (String size : List.of("100 KB", "1 MB", "5 MB", "20 MB")) {
      assertThat(lines).as(size).anySatisfy(line -> assertThat(line)
          .matches(size.replace(" ", "\\s") + "(\\s+" + NUMBER + "){11}"));
    }
  }

  @Test
  void quick_lastLineIsTheSmallestKryoRatioOfTheTable() {
    List<String> lines = runQuick();
    double smallest = lines.stream()
        .filter(line -> line.matches("(100 KB|1 MB|5 MB|20 MB)\\s.*"))
        .mapToDouble(line -> Double.parseDouble(line.trim().split("\\s+")[8]))
        .min().orElseThrow();
    String last = lines.get(lines.size() - 1);
    assertThat(Double.parseDouble(last.substring(last.lastIndexOf(' ') + 1))).isEqualTo(smallest);
  }

  @Test
  void quick_printsEveryCodecWithSizeRatioAndError() {
    List<String> lines = runQuick();
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("codecs on a ReLU-like activation"));
    for (String codec : List.of("raw", "lz4")) {
      assertThat(lines).as(codec).anySatisfy(line -> assertThat(line)
          .matches(codec + "\\s+\\d+\\s+" + NUMBER + "x(\\s+" + NUMBER + "){4}\\s+exact\\s+exact"));
    }
    for (String codec : List.of("float16", "int8", "int8-channel")) {
      assertThat(lines).as(codec).anySatisfy(line -> assertThat(line)
          .matches(codec + "\\s+\\d+\\s+" + NUMBER + "x(\\s+" + NUMBER + "){4}(\\s+\\d\\.\\d{2}e[-+]\\d+){2}"));
    }
  }

  @Test
  void seedOption_isNamedInTheOutput() {
    assertThat(runQuick("--seed", "7")).anySatisfy(line -> assertThat(line).contains("seed 7"));
  }
}
