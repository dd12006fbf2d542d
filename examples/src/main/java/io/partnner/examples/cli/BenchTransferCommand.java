package io.partnner.examples.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.partnner.examples.bench.TransferBench;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench transfer}: tensors between two partnner nodes in one JVM, inside Artery messages and on the bulk
 * lane, against plain TCP sockets carrying the same bytes in the same run. The last line reports the path partnner
 * takes at each size.
 */
@Command(name = "transfer", mixinStandardHelpOptions = true,
    description = "Round trips of tensors between two partnner nodes in this JVM on 127.0.0.1, inside Pekko Artery "
        + "messages (SegmentExecutorActor.Run, Kryo) and on partnner's bulk lane (plain TCP beside Artery), against "
        + "plain TCP sockets carrying the same bytes. The last line reports the smallest ratio of the path partnner "
        + "takes at each size.")
final class BenchTransferCommand implements Callable<Integer> {
  private static final int BATCHES = 3;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Option(names = "--sizes", split = ",", paramLabel = "MB", defaultValue = "1,5,20",
      description = "tensor sizes in MB of 10^6 bytes, at most 20 (default ${DEFAULT-VALUE})")
  List<Double> sizes;

  @Option(names = "--repeats", paramLabel = "N", description = "timed round trips per size and transport (default ${DEFAULT-VALUE})")
  int repeats = 50;

  @Option(names = "--warmup", paramLabel = "N", description = "untimed round trips per size first (default ${DEFAULT-VALUE})")
  int warmup = 100;

  @Option(names = "--warmup-seconds", paramLabel = "S",
      description = "before the first size, untimed round trips for this long, so that the JIT has compiled the paths "
          + "as a running node's (default ${DEFAULT-VALUE})")
  double warmupSeconds = 5;

  @Option(names = "--in-flight", paramLabel = "K",
      description = "messages sent back to back in a pipelined batch (default ${DEFAULT-VALUE})")
  int inFlight = 10;

  @Option(names = "--seed", paramLabel = "N", description = "seed of the tensor data (default ${DEFAULT-VALUE})")
  long seed = 42;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (repeats < 1 || warmup < 0 || inFlight < 1 || !(warmupSeconds >= 0) || warmupSeconds > 3600) {
      throw new CommandFailure("--repeats and --in-flight must be >= 1, --warmup >= 0, --warmup-seconds in 0..3600");
    }
    List<Long> bytes = new ArrayList<>();
    for (double megabytes : sizes) {
      if (!(megabytes > 0) || Double.isInfinite(megabytes)) {
        throw new CommandFailure("--sizes must be positive sizes in MB, got " + megabytes);
      }
      // Whole float32 elements, at least one.
      bytes.add(Math.max(4, 4 * Math.round(megabytes * 1e6 / 4)));
    }
    Config config = ConfigFactory.load();
    TransferBench.Settings settings = new TransferBench.Settings(bytes, warmup,
        Duration.ofMillis(Math.round(warmupSeconds * 1000)), repeats, inFlight, BATCHES, seed, TIMEOUT);
    TransferBench.check(settings, config);

    PrintWriter out = spec.commandLine().getOut();
    Object threshold = config.getBoolean("partnner.bulk.enabled") ? config.getAnyRef("partnner.bulk.threshold") : "off";
    out.println("bench transfer: tensors between two partnner nodes in this JVM, inside Pekko Artery messages and on "
        + "partnner's bulk lane, against plain TCP, all on 127.0.0.1");
    out.printf("nodes: two ActorSystems \"partnner\" from the reference config (provider cluster, Artery tcp, port 0), "
        + "joined into one cluster; receiver %s on the large-message channel, %s = %s%n", TransferBench.RECEIVER_PATH,
        TransferBench.FRAME_SIZE_KEY, config.getAnyRef(TransferBench.FRAME_SIZE_KEY));
    out.println("artery: ask with a SegmentExecutorActor.Run carrying one raw-coded tensor (Kryo, TensorMessageSerializer); "
        + "the receiver answers SegmentExecutorActor.Received (CBOR) at once");
    out.println("bulk: the sender pushes the tensor (a header, then its bytes straight from its buffer) over a kept TCP "
        + "connection to the receiver's node, the request in the same frame (nothing crosses Artery); the receiver, "
        + "once its lane has handed the request over, acknowledges on the lane's connection");
    out.println("raw: java.net sockets with TCP_NODELAY: a 4-byte length and the same tensor bytes, read into a new array, "
        + "then a 1-byte acknowledgement");
    out.printf("data: float32 tensors of shape [1, n], uniform in [-1, 1), seed %d; MB = 10^6 bytes; "
        + "MB/s = tensor bytes / time%n", seed);
    out.printf(Locale.ROOT, "warm-up: %.0f s of round trips on every transport first, then %d per size and transport; "
        + "sequential: median of %d round trips, the three interleaved; pipelined: %d messages sent back to back, "
        + "then every acknowledgement awaited, median of %d batches%n", warmupSeconds, warmup, repeats, inFlight, BATCHES);
    out.printf("ratio = MB/s / raw MB/s; partnner's path: the bulk lane from partnner.bulk.threshold = %s, else Artery; "
        + "the last line reports the smallest sequential ratio of partnner's path%n", threshold);
    out.println();
    out.printf("%-8s %10s | %-26s | %-13s | %-13s | %s%n", "", "", "sequential ms", "ratio", "partnner's path",
        "pipelined MB/s (" + inFlight + " in flight)");
    out.printf("%-8s %10s | %8s %8s %8s | %6s %6s | %-6s %6s | %8s %8s %8s%n", "size", "message B", "artery", "bulk",
        "raw", "artery", "bulk", "path", "ratio", "artery", "bulk", "raw");
    out.flush();

    TransferBench.Result result;
    try {
      result = TransferBench.run(settings, config, size -> {
        out.printf(Locale.ROOT, "%-8s %10d | %8.2f %8.2f %8.2f | %6.3f %6.3f | %-6s %6.3f | %8.0f %8.0f %8.0f%n",
            TransferBench.megabytes(size.tensorBytes()) + " MB", size.messageBytes(), size.arteryNanos() / 1e6,
            size.bulkNanos() / 1e6, size.rawNanos() / 1e6, size.ratio(), size.bulkRatio(),
            size.path().name().toLowerCase(Locale.ROOT), size.runtimeRatio(), size.arteryBatchMBps(),
            size.bulkBatchMBps(), size.rawBatchMBps());
        out.flush();
      });
    } catch (IllegalStateException | UncheckedIOException failure) {
      throw new CommandFailure(failure.getMessage());
    }
    out.printf(Locale.ROOT, "smallest sequential ratio: artery %.3f, bulk lane %.3f%n", result.smallestRatio(),
        result.smallestBulkRatio());
    out.printf(Locale.ROOT, "cluster of 2 nodes formed in %.2f s; during the measurement %d garbage collections took "
        + "%d ms; JVM max heap %d MB%n", result.formationNanos() / 1e9, result.collections(), result.collectionMillis(),
        Runtime.getRuntime().maxMemory() / 1_000_000);
    out.println();
    out.printf(Locale.ROOT, "partnner/raw throughput ratio %.3f%n", result.smallestRuntimeRatio());
    out.flush();
    return 0;
  }
}
