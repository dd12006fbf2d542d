package io.partnner.examples.bench;

import com.typesafe.config.Config;
import io.partnner.actors.PartnnerSettings;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.serve.TransferPath;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.wire.EncodedTensor;
import io.partnner.runtime.wire.WireCodecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * How fast tensors cross between two partnner nodes in one JVM on loopback, both ways partnner has (inside an
 * Artery message, and on the bulk lane beside Artery), against plain TCP sockets carrying the same bytes in the
 * same run. Each size is timed as sequential round trips (one message in flight; the three transports
 * interleaved, rotating which goes first) and as pipelined batches (several messages sent back to back, then
 * every acknowledgement awaited). Figures are medians.
 */
public final class TransferBench {
  /** Largest tensor measured: what the 24 MiB large-message frame of a partnner node is sized for. */
  public static final long MAX_TENSOR_BYTES = 20_000_000L;

  /** The Artery key that bounds one message on the large-message channel. */
  public static final String FRAME_SIZE_KEY = "pekko.remote.artery.advanced.maximum-large-frame-size";

  /** The Artery key that bounds the large messages queued for one node; past it Artery drops them. */
  public static final String QUEUE_SIZE_KEY = "pekko.remote.artery.advanced.outbound-large-message-queue-size";

  /** Path of the receiver on the second node: a cloud executor's, so covered by the large-message destinations. */
  public static final String RECEIVER_PATH = "/user/" + ArteryPair.HOST + "/" + ArteryPair.RECEIVER;

  // The transports, as indexes into the timing arrays.
  private static final int ARTERY = 0;
  private static final int BULK = 1;
  private static final int RAW = 2;

  // Room for the Run's fields, the reply address and Artery's envelope header next to the tensor.
  private static final long ENVELOPE_HEADROOM = 64 * 1024;

  private TransferBench() {}

  /**
   * What to measure.
   *
   * @param sizes tensor sizes in bytes, each a positive multiple of 4 (float32 tensors)
   * @param warmUp untimed sequential round trips per size and transport first
   * @param warmUpTime before the first size, round trips on every transport for this long, so that the JIT has
   *     compiled their paths as a node's that has been running for a while
   * @param repeats timed sequential round trips per size and transport
   * @param inFlight messages per pipelined batch
   * @param batches timed pipelined batches per size and transport (one untimed first when warming up)
   * @param seed seed of the tensor data
   * @param timeout longest wait for the cluster to form or for one batch's acknowledgements
   */
  public record Settings(List<Long> sizes, int warmUp, Duration warmUpTime, int repeats, int inFlight, int batches,
      long seed, Duration timeout) {
    /** Checks the values, each with the reason it is refused. */
    public Settings {
      sizes = List.copyOf(sizes);
      if (sizes.isEmpty()) {
        throw new IllegalArgumentException("no tensor sizes given");
      }
      for (long size : sizes) {
        if (size <= 0 || size % 4 != 0) {
          throw new IllegalArgumentException("tensor size " + size + " bytes is not a positive multiple of 4 (float32)");
        }
      }
      if (warmUp < 0 || repeats < 1 || inFlight < 1 || batches < 1) {
        throw new IllegalArgumentException("warm-up must be >= 0, repeats, messages in flight and batches >= 1; got "
            + warmUp + ", " + repeats + ", " + inFlight + ", " + batches);
      }
      if (warmUpTime.isNegative()) {
        throw new IllegalArgumentException("warm-up time must not be negative, got " + warmUpTime);
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
    }
  }

  /**
   * One tensor size: the serialized Run's size, the sequential medians and the pipelined batch medians of the three
   * transports, and the path partnner takes for a crossing of this size.
   *
   * @param tensorBytes bytes of the tensor (what MB/s counts)
   * @param messageBytes bytes of the serialized Run carrying it
   * @param path what partnner uses for this size: Artery below {@code partnner.bulk.threshold}, the bulk lane from it
   */
  public record SizeResult(long tensorBytes, int messageBytes, TransferPath path, int inFlight, long arteryNanos,
      long bulkNanos, long rawNanos, long arteryBatchNanos, long bulkBatchNanos, long rawBatchNanos) {
    /** Sequential Artery throughput, MB (10^6 bytes) per second. */
    public double arteryMBps() {
      return Measures.megabytesPerSecond(tensorBytes, arteryNanos);
    }

    /** Sequential bulk-lane throughput, MB per second. */
    public double bulkMBps() {
      return Measures.megabytesPerSecond(tensorBytes, bulkNanos);
    }

    /** Sequential raw TCP throughput, MB per second. */
    public double rawMBps() {
      return Measures.megabytesPerSecond(tensorBytes, rawNanos);
    }

    /** Sequential Artery throughput over raw TCP throughput. */
    public double ratio() {
      return (double) rawNanos / arteryNanos;
    }

    /** Sequential bulk-lane throughput over raw TCP throughput. */
    public double bulkRatio() {
      return (double) rawNanos / bulkNanos;
    }

    /** Sequential throughput of the path partnner takes at this size over raw TCP throughput. */
    public double runtimeRatio() {
      return path == TransferPath.BULK ? bulkRatio() : ratio();
    }

    /** Pipelined Artery throughput, MB per second. */
    public double arteryBatchMBps() {
      return Measures.megabytesPerSecond(tensorBytes * inFlight, arteryBatchNanos);
    }

    /** Pipelined bulk-lane throughput, MB per second. */
    public double bulkBatchMBps() {
      return Measures.megabytesPerSecond(tensorBytes * inFlight, bulkBatchNanos);
    }

    /** Pipelined raw TCP throughput, MB per second. */
    public double rawBatchMBps() {
      return Measures.megabytesPerSecond(tensorBytes * inFlight, rawBatchNanos);
    }
  }

  /**
   * Every size, the bulk lane's threshold, how long the cluster took to form, and the garbage collections during
   * the measurement.
   */
  public record Result(List<SizeResult> sizes, long bulkThreshold, long formationNanos, long collections,
      long collectionMillis) {
    public Result {
      sizes = List.copyOf(sizes);
    }

    /** The smallest sequential ratio of the path partnner takes, over the sizes: what the last line reports. */
    public double smallestRuntimeRatio() {
      return sizes.stream().mapToDouble(SizeResult::runtimeRatio).min().orElseThrow();
    }

    /** The smallest sequential bulk-lane/raw throughput ratio over the sizes. */
    public double smallestBulkRatio() {
      return sizes.stream().mapToDouble(SizeResult::bulkRatio).min().orElseThrow();
    }

    /** The smallest sequential Artery/raw throughput ratio over the sizes. */
    public double smallestRatio() {
      return sizes.stream().mapToDouble(SizeResult::ratio).min().orElseThrow();
    }
  }

  /**
   * Refuses, before anything starts, what Artery would drop: a tensor over {@link #MAX_TENSOR_BYTES} or too
   * big for {@link #FRAME_SIZE_KEY} in {@code config}, and more messages in flight than {@link #QUEUE_SIZE_KEY}.
   *
   * @throws IllegalArgumentException naming the size and the limit key
   */
  public static void check(Settings settings, Config config) {
    long frame = config.getBytes(FRAME_SIZE_KEY);
    String frameText = String.valueOf(config.getAnyRef(FRAME_SIZE_KEY));
    for (long size : settings.sizes()) {
      if (size > MAX_TENSOR_BYTES) {
        throw new IllegalArgumentException(format("a %s MB tensor is over %s MB, the most one message may carry: "
            + "%s = %s holds a 20 MB tensor plus its envelope, and Artery drops a bigger message",
            megabytes(size), megabytes(MAX_TENSOR_BYTES), FRAME_SIZE_KEY, frameText));
      }
      if (size + ENVELOPE_HEADROOM > frame) {
        throw new IllegalArgumentException(format("a %s MB tensor plus its envelope does not fit %s = %s; "
            + "Artery would drop the message", megabytes(size), FRAME_SIZE_KEY, frameText));
      }
    }
    int queue = config.getInt(QUEUE_SIZE_KEY);
    if (settings.inFlight() > queue) {
      throw new IllegalArgumentException(format("%d messages in flight are more than %s = %d; Artery would drop "
          + "the rest", settings.inFlight(), QUEUE_SIZE_KEY, queue));
    }
  }

  /**
   * Measures every size, handing each result to {@code onSize} as it is done.
   *
   * @throws IllegalArgumentException as {@link #check}
   * @throws IllegalStateException when the nodes do not form a cluster, or a message is dropped or not acknowledged
   * @throws UncheckedIOException when the raw TCP link fails
   */
  public static Result run(Settings settings, Config config, Consumer<SizeResult> onSize) {
    check(settings, config);
    long threshold = PartnnerSettings.fromConfig(config).bulk().threshold();
    int maxMessage = Math.toIntExact(settings.sizes().stream().mapToLong(Long::longValue).max().orElseThrow());
    try (ArteryPair artery = ArteryPair.start(config, settings.timeout());
        RawTcpLink raw = RawTcpLink.open(settings.timeout(), maxMessage)) {
      Random random = new Random(settings.seed());
      long collections = collections();
      long collectionMillis = collectionMillis();
      warmUp(artery, raw, floatBytes(Math.toIntExact(settings.sizes().get(0) / 4), random), settings.warmUpTime());
      List<SizeResult> results = new ArrayList<>();
      for (long size : settings.sizes()) {
        SizeResult result = measure(artery, raw, floatBytes(Math.toIntExact(size / 4), random), threshold, settings);
        results.add(result);
        onSize.accept(result);
      }
      return new Result(results, threshold, artery.formationNanos(), collections() - collections,
          collectionMillis() - collectionMillis);
    } catch (IOException failure) {
      throw new UncheckedIOException("the raw TCP link failed: " + failure.getMessage(), failure);
    }
  }

  /** Round trips on every transport in turn for {@code time}. */
  private static void warmUp(ArteryPair artery, RawTcpLink raw, byte[] payload, Duration time) throws IOException {
    Map<String, EncodedTensor> inputs = Map.of("x", WireCodecs.byName("raw").encode(
        Tensor.of(DataType.FLOAT32, List.of(1L, payload.length / 4L), ByteBuffer.wrap(payload))));
    long end = System.nanoTime() + time.toNanos();
    while (System.nanoTime() < end) {
      for (int transport = 0; transport < 3; transport++) {
        once(transport, artery, raw, inputs, payload, 1);
      }
    }
  }

  /** The three transports in turn, their order rotating from one repeat to the next. */
  private static SizeResult measure(ArteryPair artery, RawTcpLink raw, byte[] payload, long threshold,
      Settings settings) throws IOException {
    Tensor tensor = Tensor.of(DataType.FLOAT32, List.of(1L, payload.length / 4L), ByteBuffer.wrap(payload));
    EncodedTensor encoded = WireCodecs.byName("raw").encode(tensor);
    Map<String, EncodedTensor> inputs = Map.of("x", encoded);
    int messageBytes = artery.messageBytes(inputs);
    // The gateway's choice for a crossing of this size to an executor with a bulk lane.
    TransferPath path = TransferPath.forBytes(encoded.encodedBytes(), threshold, true);
    for (int i = 0; i < settings.warmUp(); i++) {
      artery.roundTrips(inputs, 1);
      artery.bulkRoundTrips(inputs, 1);
      raw.roundTrips(payload, 1);
    }
    long[][] times = new long[3][settings.repeats()];
    for (int i = 0; i < settings.repeats(); i++) {
      for (int k = 0; k < 3; k++) {
        int transport = (i + k) % 3;
        times[transport][i] = once(transport, artery, raw, inputs, payload, 1);
      }
    }
    int inFlight = settings.inFlight();
    if (settings.warmUp() > 0) {
      for (int transport = 0; transport < 3; transport++) {
        once(transport, artery, raw, inputs, payload, inFlight);
      }
    }
    long[][] batches = new long[3][settings.batches()];
    for (int i = 0; i < settings.batches(); i++) {
      for (int k = 0; k < 3; k++) {
        int transport = (i + k) % 3;
        batches[transport][i] = once(transport, artery, raw, inputs, payload, inFlight);
      }
    }
    return new SizeResult(payload.length, messageBytes, path, inFlight, Measures.median(times[ARTERY]), Measures.median(times[BULK]),
        Measures.median(times[RAW]), Measures.median(batches[ARTERY]), Measures.median(batches[BULK]), Measures.median(batches[RAW]));
  }

  private static long once(int transport, ArteryPair artery, RawTcpLink raw, Map<String, EncodedTensor> inputs,
      byte[] payload, int count) throws IOException {
    return switch (transport) {
      case ARTERY -> artery.roundTrips(inputs, count);
      case BULK -> artery.bulkRoundTrips(inputs, count);
      default -> raw.roundTrips(payload, count);
    };
  }

  /** Little-endian float32 bytes of {@code count} values uniform in [-1, 1). */
  private static byte[] floatBytes(int count, Random random) {
    ByteBuffer bytes = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      bytes.putFloat(random.nextFloat() * 2 - 1);
    }
    return bytes.array();
  }

  private static long collections() {
    long total = 0;
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, collector.getCollectionCount());
    }
    return total;
  }

  private static long collectionMillis() {
    long total = 0;
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, collector.getCollectionTime());
    }
    return total;
  }


  /** {@code bytes} in MB (10^6 bytes), without trailing zeros: 20 MB, 0.1 MB. */
  public static String megabytes(long bytes) {
    return BigDecimal.valueOf(bytes, 6).stripTrailingZeros().toPlainString();
  }

  private static String format(String pattern, Object... values) {
    return String.format(Locale.ROOT, pattern, values);
  }
}
