package io.partnner.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class BandwidthTraceTest {
  private static final String STEPS = "t_s,mbps\n0,1.5\n2,0\n3,4.25\n";

  @TempDir Path dir;

  @Test
  void parse_valid_readsStepsPeriodAndDuration() {
    BandwidthTrace trace = BandwidthTrace.parse("steps", STEPS);
    assertThat(trace.rows()).isEqualTo(3);
    // Spacings 2 s and 1 s: the median (lower middle) is 1 s, for which the last row holds.
    assertThat(trace.periodSeconds()).isEqualTo(1.0);
    assertThat(trace.durationSeconds()).isEqualTo(4.0);
    assertThat(trace.meanMbps()).isCloseTo((1.5 * 2 + 0 * 1 + 4.25 * 1) / 4, within(1e-12));
    assertThat(trace.end()).isEqualTo(TraceEnd.HOLD);
    assertThat(trace.source()).isEqualTo("steps");
  }

  @Test
  void mbpsAt_returnsTheStepInForce() {
    BandwidthTrace trace = BandwidthTrace.parse("steps", STEPS);
    assertThat(trace.mbpsAt(0)).isEqualTo(1.5);
    assertThat(trace.mbpsAt(1.999)).isEqualTo(1.5);
    assertThat(trace.mbpsAt(2)).isEqualTo(0.0);
    assertThat(trace.mbpsAt(2.5)).isEqualTo(0.0);
    assertThat(trace.mbpsAt(3)).isEqualTo(4.25);
    assertThat(trace.mbpsAt(3.999)).isEqualTo(4.25);
  }

  @Test
  void mbpsAt_pastTheEnd_holdsOrLoops() {
    BandwidthTrace held = BandwidthTrace.parse("steps", STEPS);
    assertThat(held.mbpsAt(4)).isEqualTo(4.25);
    assertThat(held.mbpsAt(1e6)).isEqualTo(4.25);
    BandwidthTrace looped = held.withEnd(TraceEnd.LOOP);
    assertThat(looped.end()).isEqualTo(TraceEnd.LOOP);
    assertThat(looped.mbpsAt(4)).isEqualTo(1.5);
    assertThat(looped.mbpsAt(6.5)).isEqualTo(0.0);
    assertThat(looped.mbpsAt(4 * 1000 + 3.5)).isEqualTo(4.25);
    assertThat(held.withEnd(TraceEnd.HOLD)).isSameAs(held);
  }

  @Test
  void mbpsAt_negativeTime_isRejected() {
    BandwidthTrace trace = BandwidthTrace.parse("steps", STEPS);
    assertThatThrownBy(() -> trace.mbpsAt(-0.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("time -0.5 s is not a time since the start of steps");
    assertThatThrownBy(() -> trace.mbpsAt(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void parse_withoutFinalNewline_isAccepted() {
    assertThat(BandwidthTrace.parse("x", "t_s,mbps\n0,1\n1,2").rows()).isEqualTo(2);
  }

  @Test
  void parse_eachBadInput_namesSourceLineAndReason() {
    Map<String, String> cases = Map.ofEntries(
        Map.entry("", "t: empty; expected the header line t_s,mbps and at least two rows"),
        Map.entry("time,rate\n0,1\n1,1\n", "t line 1: header must be exactly t_s,mbps, found 'time,rate'"),
        Map.entry("t_s,mbps\n", "t: has 0 rows; a trace needs at least two, since its last row holds for one sample period and the period is the spacing of the rows"),
        Map.entry("t_s,mbps\n0,1\n", "t: has 1 row; a trace needs at least two, since its last row holds for one sample period and the period is the spacing of the rows"),
        Map.entry("t_s,mbps\n0,1\n1,fast\n", "t line 3: mbps 'fast' is not a number"),
        Map.entry("t_s,mbps\n0,1\nNaN,1\n", "t line 3: t_s 'NaN' is not a number"),
        Map.entry("t_s,mbps\n0,1\n1, 2\n", "t line 3: mbps ' 2' is not a number"),
        Map.entry("t_s,mbps\n0,1\n2,1\n2,3\n", "t line 4: t_s 2 does not increase (the row before is at 2)"),
        Map.entry("t_s,mbps\n0,1\n2,1\n1.5,3\n", "t line 4: t_s 1.5 does not increase (the row before is at 2)"),
        Map.entry("t_s,mbps\n1,1\n2,1\n", "t line 2: the first row must be at t_s 0, found 1"),
        Map.entry("t_s,mbps\n0,1\n1,-0.5\n", "t line 3: mbps -0.5 is negative"),
        Map.entry("t_s,mbps\n0,1\n1,2,3\n", "t line 3: expected 2 comma-separated fields t_s,mbps, found 3"),
        Map.entry("t_s,mbps\n0,1\n1\n", "t line 3: expected 2 comma-separated fields t_s,mbps, found 1"),
        Map.entry("t_s,mbps\n0,1\n\n2,1\n", "t line 3: empty line"),
        Map.entry("t_s,mbps\r\n0,1\r\n1,1\r\n", "t line 1: carriage return; trace files use \\n line ends"),
        Map.entry("t_s,mbps\n0,1\n1,1e999\n", "t line 3: mbps 1e999 is out of range"));
    cases.forEach((text, message) -> assertThatThrownBy(() -> BandwidthTrace.parse("t", text))
        .as(text)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message));
  }

  @Test
  void read_file_namesTheFileInErrors() throws IOException {
    Path good = Files.writeString(dir.resolve("good.csv"), STEPS);
    assertThat(BandwidthTrace.read(good).source()).isEqualTo("trace file " + good);
    Path bad = Files.writeString(dir.resolve("bad.csv"), "t_s,mbps\n0,1\n1,x\n");
    assertThatThrownBy(() -> BandwidthTrace.read(bad)).hasMessage("trace file " + bad + " line 3: mbps 'x' is not a number");
    Path binary = Files.write(dir.resolve("binary.csv"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
    assertThatThrownBy(() -> BandwidthTrace.read(binary)).hasMessage("trace file " + binary + ": not UTF-8 text");
    Path missing = dir.resolve("missing.csv");
    assertThatThrownBy(() -> BandwidthTrace.read(missing)).hasMessage("trace file " + missing + ": no such file");
    assertThatThrownBy(() -> BandwidthTrace.read(dir)).hasMessageStartingWith("trace file " + dir + ": cannot be read");
  }

  @Test
  void shipped_everyListedTraceLoads() {
    for (String name : BandwidthTrace.SHIPPED) {
      BandwidthTrace trace = BandwidthTrace.shipped(name);
      assertThat(trace.rows()).as(name).isGreaterThan(100);
      assertThat(trace.meanMbps()).as(name).isPositive();
      assertThat(trace.source()).isEqualTo("shipped trace " + name);
    }
    assertThatThrownBy(() -> BandwidthTrace.shipped("lte4g-mahimahi-tmobile-up.csv"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("no shipped trace lte4g-mahimahi-tmobile-up.csv; shipped traces are [fcc-u8299-amazon.csv");
  }

  @Test
  void shipped_tracesAreTheSharedFilesUnchanged() throws IOException {
    Path shared = SharedTraces.directory();
    for (String name : BandwidthTrace.SHIPPED) {
      try (var in = BandwidthTrace.class.getResourceAsStream("/io/partnner/runtime/link/traces/" + name)) {
        assertThat(in).as(name).isNotNull();
        assertThat(in.readAllBytes()).as(name).isEqualTo(Files.readAllBytes(shared.resolve(name)));
      }
    }
  }

  @Test
  void read_everySharedTrace_matchesItsReadme() {
    // Rows, duration and time-weighted mean as the data set's README tabulates them.
    Map<String, double[]> readme = Map.ofEntries(
        Map.entry("fcc-u8299-amazon.csv", new double[] {120, 600.0, 1.542}),
        Map.entry("fcc-u665208-yahoo.csv", new double[] {120, 600.0, 2.842}),
        Map.entry("fcc-u799448-facebook.csv", new double[] {120, 600.0, 0.971}),
        Map.entry("hsdpa3g-bus-20100928.csv", new double[] {448, 461.9, 2.764}),
        Map.entry("hsdpa3g-metro-20100913.csv", new double[] {518, 546.2, 0.834}),
        Map.entry("hsdpa3g-car-20110214.csv", new double[] {394, 407.6, 1.766}),
        Map.entry("lte4g-nyumets-bus57.csv", new double[] {600, 600.0, 9.632}),
        Map.entry("lte4g-nyumets-subway7.csv", new double[] {600, 600.0, 4.244}),
        Map.entry("lte4g-mahimahi-tmobile-down.csv", new double[] {139, 139.0, 16.653}),
        Map.entry("lte4g-mahimahi-tmobile-up.csv", new double[] {140, 140.0, 13.318}),
        Map.entry("5g-ucc-static-20200214.csv", new double[] {507, 599.0, 139.670}),
        Map.entry("5g-ucc-driving-20200116.csv", new double[] {331, 376.0, 133.973}),
        Map.entry("5g-5gophers-drive1-verizon.csv", new double[] {103, 103.0, 307.436}));
    for (Path file : SharedTraces.all()) {
      String name = file.getFileName().toString();
      double[] expected = readme.get(name);
      assertThat(expected).as("README row for " + name).isNotNull();
      BandwidthTrace trace = BandwidthTrace.read(file);
      assertThat(trace.rows()).as(name).isEqualTo((int) expected[0]);
      // The README rounds the irregular 3G periods; the parser takes the median spacing.
      assertThat(trace.durationSeconds()).as(name).isCloseTo(expected[1], within(0.25));
      assertThat(trace.meanMbps()).as(name).isCloseTo(expected[2], within(expected[2] * 0.002));
    }
  }
}
