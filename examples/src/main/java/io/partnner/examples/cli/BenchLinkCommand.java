package io.partnner.examples.cli;

import io.partnner.runtime.link.BandwidthTrace;
import io.partnner.runtime.link.LinkBench;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bench link}: the link emulator along a trace while the link estimator learns it (DESIGN section 10). */
@Command(name = "link", mixinStandardHelpOptions = true,
    description = "Run the link emulator along a bandwidth trace in virtual time, with offloading traffic and idle-time probes, "
        + "while the link estimator learns the link from transfer timings; print the estimate against the truth.")
final class BenchLinkCommand implements Callable<Integer> {
  private static final String SHIPPED = "shipped:";

  @Option(names = "--trace", required = true, paramLabel = "FILE",
      description = "a t_s,mbps trace file, or shipped:NAME for a trace inside the runtime (e.g. shipped:fcc-u8299-amazon.csv)")
  String trace;

  @Option(names = "--rtt-ms", paramLabel = "X", description = "round-trip time of the emulated link in ms (default ${DEFAULT-VALUE})")
  double rttMillis = 50;

  @Option(names = "--request-rate", paramLabel = "HZ", description = "mean rate of offloading requests, Poisson (default ${DEFAULT-VALUE})")
  double requestRateHz = 2;

  @Option(names = "--transfer-kb", paramLabel = "K", description = "tensor sent up per request, in kB of 1000 bytes (default ${DEFAULT-VALUE})")
  double transferKb = 300;

  @Option(names = "--result-kb", paramLabel = "K", description = "result sent down per request, in kB (default ${DEFAULT-VALUE})")
  double resultKb = 4;

  @Option(names = "--chunk-kb", paramLabel = "K",
      description = "tensors go up in chunks of this size, each acknowledged; the estimator times every chunk (default ${DEFAULT-VALUE})")
  double chunkKb = 32;

  @Option(names = "--report-every", paramLabel = "S", description = "seconds between table rows (default ${DEFAULT-VALUE})")
  double reportEverySeconds = 30;

  @Option(names = "--seed", paramLabel = "S", description = "seed of the request arrivals (default ${DEFAULT-VALUE})")
  long seed = 1;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    BandwidthTrace loaded = trace.startsWith(SHIPPED)
        ? BandwidthTrace.shipped(trace.substring(SHIPPED.length()))
        : BandwidthTrace.read(Path.of(trace));
    LinkBench.Settings defaults = LinkBench.Settings.defaults();
    LinkBench.Settings settings = new LinkBench.Settings(duration("--rtt-ms", rttMillis, 1e6), requestRateHz,
        bytes("--transfer-kb", transferKb), bytes("--result-kb", resultKb), bytes("--chunk-kb", chunkKb), seed,
        duration("--report-every", reportEverySeconds, 1e9), defaults.estimator(), defaults.probes());
    LinkBench.Result result = LinkBench.run(loaded, settings);
    if (Double.isNaN(result.meanAbsErrorPercent())) {
      throw new CommandFailure(loaded.source() + ": the uplink was never estimated during the run");
    }
    print(spec.commandLine().getOut(), loaded, settings, result);
    return 0;
  }

  private static void print(PrintWriter out, BandwidthTrace trace, LinkBench.Settings settings, LinkBench.Result result) {
    out.println(format("link emulation (not a real network): %s, looped if a transfer outlasts it; RTT %.1f ms; the trace drives both directions",
        trace.source() + " (" + trace.rows() + " rows, " + format("%.1f", trace.durationSeconds()) + " s)", settings.rtt().toNanos() / 1e6));
    out.println(format("traffic: Poisson %.2f requests/s, %s up in %s acknowledged chunks, %s down, at most one tensor on the link; seed %d",
        settings.requestRateHz(), kb(settings.tensorBytes()), kb(settings.chunkBytes()), kb(settings.resultBytes()), settings.seed()));
    out.println(format("%8s %10s %10s %7s %10s %10s %8s", "time", "up true", "up est", "err", "down true", "down est", "rtt est"));
    out.println(format("%8s %10s %10s %7s %10s %10s %8s", "s", "Mbit/s", "Mbit/s", "%", "Mbit/s", "Mbit/s", "ms"));
    for (LinkBench.Row row : result.rows()) {
      out.println(format("%8.1f %10.3f %10.3f %7.1f %10.3f %10.3f %8.1f", row.seconds(), row.trueUpMbps(), row.estimatedUpMbps(),
          row.windowErrorPercent(), row.trueDownMbps(), row.estimatedDownMbps(), row.estimatedRttMillis()));
    }
    out.println(format("requests %d: %d offloaded, %d run on the edge while a tensor was still uploading",
        result.requests(), result.offloaded(), result.requests() - result.offloaded()));
    out.println(format("probes %d up, %d down; uplink probes carried %.2f%% of the bits the uplink could carry (budget %.0f%%)",
        result.probesUp(), result.probesDown(), 100 * result.probeShareUp(), 100 * settings.probes().linkShare()));
    out.println(format("first estimate after %.2f s; zero-bandwidth time left out of the error %.1f s; final RTT estimate %.1f ms (true %.1f ms)",
        result.warmupSeconds(), result.zeroTruthSeconds(), result.finalRttMillis(), settings.rtt().toNanos() / 1e6));
    out.println(format("bandwidth estimate mean abs error %.1f%%", result.meanAbsErrorPercent()));
    out.flush();
  }

  private static Duration duration(String option, double value, double nanosPerUnit) {
    if (!(value >= 0)) {
      throw new CommandFailure(option + " must be a non-negative number, got " + value);
    }
    if (value * nanosPerUnit >= Long.MAX_VALUE) {
      throw new CommandFailure(option + " " + value + " is too large");
    }
    return Duration.ofNanos(Math.round(value * nanosPerUnit));
  }

  private static long bytes(String option, double kb) {
    if (!(kb > 0) || kb > 1e7) {
      throw new CommandFailure(option + " must be a positive size up to 10 GB, got " + kb);
    }
    return Math.max(1, Math.round(kb * 1000));
  }

  private static String kb(long bytes) {
    return bytes % 1000 == 0 ? (bytes / 1000) + " kB" : format("%.3f kB", bytes / 1000.0);
  }

  private static String format(String pattern, Object... values) {
    return String.format(Locale.ROOT, pattern, values);
  }
}
