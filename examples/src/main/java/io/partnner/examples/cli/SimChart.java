package io.partnner.examples.cli;

import io.partnner.runtime.link.BandwidthTrace;
import io.partnner.runtime.link.Direction;
import io.partnner.runtime.sim.LoadStep;
import io.partnner.runtime.sim.Scenario;
import io.partnner.runtime.sim.StrategyRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --chart} SVG of {@code bench sim}: for one scenario, three panels over the same time axis:
 * each strategy's latency (mean per time bin, log scale), partnner's and the oracle's cut, and the
 * link's bandwidth with the cloud queue.
 */
final class SimChart {
  private static final String[] COLOURS = {"#d62728", "#1f77b4", "#9467bd", "#8c564b", "#2ca02c", "#000000"};
  private static final int WIDTH = 1100;
  private static final int LEFT = 80;
  private static final int RIGHT = 190;
  private static final int PANEL = 230;
  private static final int GAP = 70;
  private static final int TOP = 60;
  private static final int BINS = 200;

  private final StringBuilder svg = new StringBuilder();
  private final double maxSeconds;

  private SimChart(double maxSeconds) {
    this.maxSeconds = maxSeconds;
  }

  static void write(Path file, SimScenarioResult result) throws IOException {
    // partnner's run sets the time axis: a slower baseline (edge-only on a slow device) would squeeze it into a corner.
    StrategyRun partnner = result.partnner();
    double last = partnner.startNanos(partnner.requests() - 1) / 1e9;
    SimChart chart = new SimChart(last > 0 ? last : 1);
    Files.writeString(file, chart.draw(result), StandardCharsets.UTF_8);
  }

  private String draw(SimScenarioResult result) {
    int height = TOP + 3 * PANEL + 3 * GAP;
    svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    svg.append(fmt("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">\n", WIDTH, height, WIDTH, height));
    svg.append(fmt("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", WIDTH, height));
    text(LEFT, 28, "start", 16, "bench sim: " + result.model() + ", device " + result.device() + ", link "
        + result.link().label());
    latencyPanel(result, TOP);
    cutPanel(result, TOP + PANEL + GAP);
    linkPanel(result, TOP + 2 * (PANEL + GAP));
    svg.append("</svg>\n");
    return svg.toString();
  }

  private void latencyPanel(SimScenarioResult result, int top) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    List<double[]> series = new ArrayList<>();
    for (StrategyRun run : result.runs()) {
      double[] binned = binnedMeanMillis(run);
      for (double value : binned) {
        if (value > 0) {
          lo = Math.min(lo, value);
          hi = Math.max(hi, value);
        }
      }
      series.add(binned);
    }
    double logLo = Math.floor(Math.log10(lo));
    double logHi = Math.max(logLo + 1, Math.ceil(Math.log10(hi)));
    axes(top, "latency (ms, log scale; mean per " + fmt("%.2f", maxSeconds / BINS) + " s bin)");
    for (double decade = logLo; decade <= logHi; decade++) {
      for (int m = 1; m < 10 && decade + Math.log10(m) <= logHi; m++) {
        double y = yOf(top, (decade + Math.log10(m) - logLo) / (logHi - logLo));
        line(LEFT, y, WIDTH - RIGHT, y, m == 1 ? "#cccccc" : "#eeeeee", 1, null);
        if (m == 1 || m == 2 || m == 5) {
          text(LEFT - 6, y + 4, "end", 11, trim(m * Math.pow(10, decade)));
        }
      }
    }
    for (int s = 0; s < series.size(); s++) {
      double[] binned = series.get(s);
      StringBuilder points = new StringBuilder();
      for (int b = 0; b < BINS; b++) {
        if (binned[b] > 0) {
          double x = LEFT + (b + 0.5) / BINS * plotWidth();
          double y = yOf(top, (Math.log10(binned[b]) - logLo) / (logHi - logLo));
          points.append(fmt("%.1f,%.1f ", x, y));
        }
      }
      svg.append(fmt("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" points=\"%s\"/>\n", COLOURS[s],
          s == BenchSimCommand.PARTNNER ? "2.2" : "1.3", points.toString().strip()));
      legend(top, s, COLOURS[s], BenchSimCommand.STRATEGIES.get(s) + fmt(" %.1f ms", result.run(s).meanLatencyNanos() / 1e6));
    }
  }

  private double[] binnedMeanMillis(StrategyRun run) {
    double[] sums = new double[BINS];
    int[] counts = new int[BINS];
    for (int i = 0; i < run.requests(); i++) {
      if (run.startNanos(i) / 1e9 > maxSeconds) {
        break;
      }
      int bin = Math.min(BINS - 1, (int) (run.startNanos(i) / 1e9 / maxSeconds * BINS));
      sums[bin] += run.latencyNanos(i) / 1e6;
      counts[bin]++;
    }
    for (int b = 0; b < BINS; b++) {
      sums[b] = counts[b] > 0 ? sums[b] / counts[b] : 0;
    }
    return sums;
  }

  private void cutPanel(SimScenarioResult result, int top) {
    int edgeOnly = result.world().scenario().profile().edgeOnlyCut();
    axes(top, "chosen cut (0 = cloud-only, " + edgeOnly + " = edge-only)");
    for (int tick : new int[] {0, edgeOnly / 4, edgeOnly / 2, 3 * edgeOnly / 4, edgeOnly}) {
      double y = yOf(top, (double) tick / edgeOnly);
      line(LEFT, y, WIDTH - RIGHT, y, "#eeeeee", 1, null);
      text(LEFT - 6, y + 4, "end", 11, Integer.toString(tick));
    }
    int[] shown = {BenchSimCommand.ORACLE, BenchSimCommand.PARTNNER};
    for (int k = 0; k < shown.length; k++) {
      StrategyRun run = result.run(shown[k]);
      StringBuilder points = new StringBuilder();
      for (int i = 0; i < run.requests() && run.startNanos(i) / 1e9 <= maxSeconds; i++) {
        double x = xOf(run.startNanos(i) / 1e9);
        double y = yOf(top, (double) run.plan(i).cut() / edgeOnly);
        points.append(fmt("%.1f,%.1f ", x, y));
      }
      svg.append(fmt("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s points=\"%s\"/>\n",
          COLOURS[shown[k]], k == 0 ? "3" : "1.5", k == 0 ? " stroke-opacity=\"0.35\"" : "", points.toString().strip()));
      legend(top, k, COLOURS[shown[k]], BenchSimCommand.STRATEGIES.get(shown[k]) + (k == 0 ? " (wide, pale)" : ""));
    }
  }

  private void linkPanel(SimScenarioResult result, int top) {
    Scenario scenario = result.world().scenario();
    SimLink link = result.link();
    int samples = 800;
    double[] up = new double[samples + 1];
    double[] down = new double[samples + 1];
    double hi = 0;
    for (int i = 0; i <= samples; i++) {
      double t = maxSeconds * i / samples;
      if (link.preset() != null) {
        up[i] = link.preset().mbps(Direction.UP);
        down[i] = link.preset().mbps(Direction.DOWN);
      } else {
        BandwidthTrace trace = link.trace();
        // The simulator loops the trace; both directions follow it.
        up[i] = trace.mbpsAt(t % trace.durationSeconds());
        down[i] = up[i];
      }
      hi = Math.max(hi, Math.max(up[i], down[i]));
    }
    hi = hi > 0 ? hi * 1.1 : 1;
    axes(top, "bandwidth (Mbit/s), RTT " + scenario.link().rtt().toMillis() + " ms; cloud queue (right)");
    for (int tick = 0; tick <= 4; tick++) {
      double y = yOf(top, tick / 4.0);
      line(LEFT, y, WIDTH - RIGHT, y, "#eeeeee", 1, null);
      text(LEFT - 6, y + 4, "end", 11, trim(hi * tick / 4));
    }
    polyline(top, up, hi, "#1f77b4", "2", null);
    polyline(top, down, hi, "#ff7f0e", "1.5", "6,3");
    legend(top, 0, "#1f77b4", "uplink");
    legend(top, 1, "#ff7f0e", link.preset() != null ? "downlink" : "downlink (= uplink)");
    int maxQueue = scenario.loadSteps().stream().mapToInt(LoadStep::queuedRequests).max().orElse(0);
    if (maxQueue > 0) {
      double[] queue = new double[samples + 1];
      for (int i = 0; i <= samples; i++) {
        queue[i] = scenario.queuedAt(Math.round(maxSeconds * i / samples * 1e9));
      }
      polyline(top, queue, maxQueue * 1.1, "#7f7f7f", "1.5", "2,2");
      legend(top, 2, "#7f7f7f", "cloud queue (max " + maxQueue + ")");
    }
  }

  private void polyline(int top, double[] values, double hi, String colour, String width, String dash) {
    StringBuilder points = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      points.append(fmt("%.1f,%.1f ", LEFT + (double) i / (values.length - 1) * plotWidth(), yOf(top, values[i] / hi)));
    }
    svg.append(fmt("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%s\"%s points=\"%s\"/>\n", colour, width,
        dash == null ? "" : " stroke-dasharray=\"" + dash + "\"", points.toString().strip()));
  }

  private void axes(int top, String title) {
    text(LEFT, top - 10, "start", 13, title);
    svg.append(fmt("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333333\"/>\n", LEFT, top,
        plotWidth(), PANEL));
    for (int tick = 0; tick <= 10; tick++) {
      double seconds = maxSeconds * tick / 10;
      double x = xOf(seconds);
      line(x, top + PANEL, x, top + PANEL + 5, "#333333", 1, null);
      text(x, top + PANEL + 18, "middle", 11, trim(seconds));
    }
    text(LEFT + plotWidth() / 2.0, top + PANEL + 34, "middle", 12, "time since the start of the run (s; until partnner's last request)");
  }

  private void legend(int top, int row, String colour, String label) {
    double x = WIDTH - RIGHT + 12;
    double y = top + 14 + row * 18;
    line(x, y - 4, x + 22, y - 4, colour, 2.5, null);
    text(x + 28, y, "start", 11, label);
  }

  private void line(double x1, double y1, double x2, double y2, String colour, double width, String dash) {
    svg.append(fmt("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%s\"%s/>\n", x1, y1,
        x2, y2, colour, trim(width), dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
  }

  private void text(double x, double y, String anchor, int size, String content) {
    svg.append(fmt("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>\n", x, y, anchor, size,
        escape(content)));
  }

  private int plotWidth() {
    return WIDTH - LEFT - RIGHT;
  }

  private double xOf(double seconds) {
    return LEFT + seconds / maxSeconds * plotWidth();
  }

  private static double yOf(int top, double fraction) {
    return top + PANEL - Math.max(0, Math.min(1, fraction)) * PANEL;
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static String trim(double value) {
    if (value == Math.rint(value)) {
      return Long.toString((long) value);
    }
    return Math.abs(value) >= 10 ? fmt("%.0f", value) : Math.abs(value) >= 1 ? fmt("%.1f", value) : fmt("%.2f", value);
  }

  private static String fmt(String pattern, Object... values) {
    return BenchSimCommand.format(pattern, values);
  }
}
