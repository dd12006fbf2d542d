package io.partnner.examples.cli;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.partnner.examples.bench.Measures;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.wire.EncodedTensor;
import io.partnner.runtime.wire.ReceiveBuffers;
import io.partnner.runtime.wire.TensorKryo;
import io.partnner.runtime.wire.TensorWire;
import io.partnner.runtime.wire.WireCodec;
import io.partnner.runtime.wire.WireCodecs;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench wire}: Kryo serialize+deserialize throughput of float32 tensors against a plain copy of
 * the same bytes, then each wire codec on a ReLU-like activation (DESIGN section 10).
 */
@Command(name = "wire", mixinStandardHelpOptions = true,
    description = "Tensor serialize+deserialize throughput vs a plain copy of the same bytes (100 KB to 20 MB), "
        + "then each wire codec's throughput, ratio and error on a ReLU-like activation.")
final class BenchWireCommand implements Callable<Integer> {
  private static final int[] SIZES = {100_000, 1_000_000, 5_000_000, 20_000_000};
  private static final String[] SIZE_LABELS = {"100 KB", "1 MB", "5 MB", "20 MB"};
  // As partnner.wire.receive-buffer-bytes defaults to.
  private static final long RECEIVE_BUFFER_BYTES = 64L << 20;

  @Option(names = "--quick", description = "few repetitions and a small activation: checks the command, not the speed")
  boolean quick;

  @Option(names = "--seed", paramLabel = "N", description = "seed of the random data (default ${DEFAULT-VALUE})")
  long seed = 42;

  @Spec CommandSpec spec;

  /** How long to measure: warm-up runs, then repetitions until the budget is spent (within bounds). */
  private record Plan(int jitWarmUp, int warmUp, int minRuns, int maxRuns, long budgetNanos) {}

  // A new JVM's heap faults in fresh pages the first time each young region is used, and G1 grows the
  // young generation over its first collections; deserializing allocates, so until the heap has settled
  // that start-up cost would be measured instead of the steady state of a running node.
  private static final int HEAP_WARM_UP_COLLECTIONS = 4;
  private static final long HEAP_WARM_UP_BUDGET_NANOS = 5_000_000_000L;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Plan sizesPlan = quick ? new Plan(20, 1, 3, 3, 0) : new Plan(20_000, 3, 15, 400, 2_500_000_000L);
    Plan codecPlan = quick ? new Plan(0, 1, 3, 3, 0) : new Plan(0, 3, 9, 200, 1_500_000_000L);
    Kryo pooled = TensorKryo.newKryo(TensorKryo.DEFAULT_MAX_TENSOR_BYTES, new ReceiveBuffers(RECEIVE_BUFFER_BYTES));
    Kryo fresh = TensorKryo.newKryo();
    Random random = new Random(seed);

    out.printf("bench wire%s: Kryo tensor serializer against a plain copy of the same bytes%n", quick ? " (quick)" : "");
    out.printf("data: float32 tensors of shape [1, n], uniform in [-1, 1), seed %d; MB = 10^6 bytes%n", seed);
    out.println("copy: System.arraycopy into a preallocated array and back into another preallocated array");
    out.println("new-copy: the same, but back into a new array (Arrays.copyOf)");
    out.println("raw: the crossing path of a split: raw codec, Kryo writeObject into a reused Output, readObject into");
    out.println("     a receive buffer from the pool (partnner.wire.receive-buffer-bytes), decode, and the buffer given");
    out.println("     back once the tensor is used, as the cloud executor does; ser/deser columns are this path");
    out.println("fresh: the same path with no pool (partnner.wire.receive-buffer-bytes = 0): a new array per message");
    out.println("direct: TensorWire.write of the tensor into a reused direct ByteBuffer, TensorWire.read back");
    out.println("figures are medians over interleaved runs, after warming up the heap (its maximum size in garbage,");
    out.println("over " + HEAP_WARM_UP_COLLECTIONS + "+ collections, so a new JVM's first-touch page faults are not counted) "
        + "and the JIT");
    out.println("ratio = copy time / path time; the last line reports the smallest raw ratio");
    out.println();
    out.printf("%-7s %5s %10s %13s %9s %10s %9s %6s %11s %6s %11s %6s%n", "size", "runs", "copy MB/s",
        "new-copy MB/s", "ser MB/s", "deser MB/s", "raw MB/s", "ratio", "fresh MB/s", "ratio", "direct MB/s", "ratio");
    out.flush();

    if (!quick) {
      warmUpHeap();
    }
    warmUpJit(pooled, fresh, random, sizesPlan.jitWarmUp());
    double worst = Double.POSITIVE_INFINITY;
    for (int i = 0; i < SIZES.length; i++) {
      SizeResult result = measureSize(pooled, fresh, floatBytes(SIZES[i] / 4, random), sizesPlan);
      worst = Math.min(worst, result.rawRatio());
      out.printf(Locale.ROOT, "%-7s %5d %10.0f %13.0f %9.0f %10.0f %9.0f %6.3f %11.0f %6.3f %11.0f %6.3f%n",
          SIZE_LABELS[i], result.runs(), result.copyMBps(), result.newCopyMBps(), result.serializeMBps(),
          result.deserializeMBps(), result.rawMBps(), result.rawRatio(), result.freshMBps(), result.freshRatio(),
          result.directMBps(), result.directRatio());
      out.flush();
    }

    List<Long> shape = quick ? List.of(1L, 64L, 28L, 28L) : List.of(1L, 256L, 56L, 56L);
    Tensor activation = activation(shape, new Random(seed));
    out.println();
    out.printf("codecs on a ReLU-like activation, float32 %s = %d bytes, seed %d: each value is 0 with probability 1/2,%n",
        shape, activation.byteSize(), seed);
    out.println("else |N(0, 1)| times a per-channel scale exp(N(0, 0.5^2)); MB/s of original bytes; "
        + "wire = encode + serialize + deserialize + decode");
    out.printf("%-13s %10s %7s %6s %11s %11s %10s %12s %10s%n", "codec", "encoded B", "ratio", "runs", "encode MB/s",
        "decode MB/s", "wire MB/s", "max abs err", "rel err");
    for (WireCodec codec : WireCodecs.all()) {
      CodecResult result = measureCodec(codec, activation, codecPlan);
      EncodedTensor encoded = result.encoded();
      out.printf(Locale.ROOT, "%-13s %10d %6.2fx %6d %11.0f %11.0f %10.0f %12s %10s%n", codec.name(),
          encoded.encodedBytes(), encoded.compressionRatio(), result.runs(), result.encodeMBps(),
          result.decodeMBps(), result.wireMBps(), error(codec, encoded.error().maxAbsError()),
          error(codec, encoded.error().relativeError()));
      out.flush();
    }
    out.println();
    out.printf(Locale.ROOT, "wire throughput ratio vs copy %.3f%n", worst);
    out.flush();
    return 0;
  }

  private record SizeResult(int runs, double copyMBps, double newCopyMBps, double serializeMBps,
      double deserializeMBps, double rawMBps, double rawRatio, double freshMBps, double freshRatio,
      double directMBps, double directRatio) {}

  private SizeResult measureSize(Kryo pooled, Kryo fresh, byte[] source, Plan plan) {
    int size = source.length;
    // The tensor wraps the copy's source array, so both read the very same memory.
    Tensor tensor = Tensor.of(DataType.FLOAT32, List.of(1L, size / 4L), ByteBuffer.wrap(source));
    Round round = new Round(pooled, fresh, tensor, source, size);

    check(round.run(Path.RAW), tensor, "raw");
    check(round.run(Path.FRESH), tensor, "fresh");
    check(round.run(Path.DIRECT), tensor, "direct");
    long warmUpStart = System.nanoTime();
    for (int i = 0; i < plan.warmUp(); i++) {
      for (Path path : Path.values()) {
        round.run(path);
      }
    }
    int runs = runs(plan, (System.nanoTime() - warmUpStart) / Math.max(1, plan.warmUp()));
    int paths = Path.values().length;
    long[] copy = new long[paths * runs];
    long[] newCopy = new long[paths * runs];
    long[] serialize = new long[runs];
    long[] deserialize = new long[runs];
    long[][] total = new long[paths][runs];
    for (int i = 0; i < runs; i++) {
      for (Path path : Path.values()) {
        round.run(path);
        copy[paths * i + path.ordinal()] = round.copyNanos;
        newCopy[paths * i + path.ordinal()] = round.newCopyNanos;
        total[path.ordinal()][i] = round.serializeNanos + round.deserializeNanos;
        if (path == Path.RAW) {
          serialize[i] = round.serializeNanos;
          deserialize[i] = round.deserializeNanos;
        }
      }
    }
    long copyMedian = Measures.median(copy);
    long raw = Measures.median(total[Path.RAW.ordinal()]);
    long freshMedian = Measures.median(total[Path.FRESH.ordinal()]);
    long direct = Measures.median(total[Path.DIRECT.ordinal()]);
    return new SizeResult(runs, Measures.megabytesPerSecond(size, copyMedian), Measures.megabytesPerSecond(size, Measures.median(newCopy)),
        Measures.megabytesPerSecond(size, Measures.median(serialize)), Measures.megabytesPerSecond(size, Measures.median(deserialize)),
        Measures.megabytesPerSecond(size, raw), (double) copyMedian / raw, Measures.megabytesPerSecond(size, freshMedian),
        (double) copyMedian / freshMedian, Measures.megabytesPerSecond(size, direct), (double) copyMedian / direct);
  }

  /** The ways a tensor crosses in one repetition. */
  private enum Path { RAW, FRESH, DIRECT }

  /**
   * One repetition: the plain copy, then one round trip along a path, each timed. Each round trip is
   * paired with its own copy so both see the same machine state.
   */
  private static final class Round {
    private final Kryo pooled;
    private final Kryo fresh;
    private final Tensor tensor;
    private final byte[] source;
    private final byte[] middle;
    private final byte[] back;
    private final Output output;
    private final Input input = new Input();
    private final ByteBuffer direct;
    private final WireCodec raw = WireCodecs.byName("raw");
    long copyNanos;
    long newCopyNanos;
    long serializeNanos;
    long deserializeNanos;

    Round(Kryo pooled, Kryo fresh, Tensor tensor, byte[] source, int size) {
      this.pooled = pooled;
      this.fresh = fresh;
      this.tensor = tensor;
      this.source = source;
      this.middle = new byte[size];
      this.back = new byte[size];
      this.output = new Output(size + 256);
      this.direct = ByteBuffer.allocateDirect(size + 256);
    }

    /** Copy, then one round trip along {@code path}; returns the tensor that came out. */
    Tensor run(Path path) {
      return path == Path.DIRECT ? runDirect() : runKryo(path == Path.RAW ? pooled : fresh);
    }

    /**
     * Copy, then raw-encode, writeObject into the reused Output, readObject from the reused Input, decode;
     * the received payload is given back (a no-op without a pool) after the decoded tensor is compared, so
     * using it is not timed for either Kryo path.
     */
    private Tensor runKryo(Kryo kryo) {
      long start = copy();
      output.setPosition(0);
      kryo.writeObject(output, raw.encode(tensor));
      long serialized = System.nanoTime();
      input.setBuffer(output.getBuffer(), 0, output.position());
      EncodedTensor received = kryo.readObject(input, EncodedTensor.class);
      Tensor result = raw.decode(received);
      long end = System.nanoTime();
      serializeNanos = serialized - start;
      deserializeNanos = end - serialized;
      if (result.byteSize() != tensor.byteSize() || !result.data().equals(tensor.data())) {
        throw new CommandFailure("bench wire: the Kryo round trip of " + tensor + " changed the tensor");
      }
      // The comparison above is the last read; after this the array may hold the next message.
      received.release(List.of());
      return tensor;
    }

    /** Copy, then TensorWire.write into the reused direct buffer and TensorWire.read back. */
    private Tensor runDirect() {
      long start = copy();
      direct.clear();
      TensorWire.write(tensor, direct);
      direct.flip();
      long serialized = System.nanoTime();
      Tensor result = TensorWire.read(direct);
      long end = System.nanoTime();
      serializeNanos = serialized - start;
      deserializeNanos = end - serialized;
      return result;
    }

    /**
     * Times the plain copy (into the preallocated middle buffer and back into another preallocated array),
     * then the same with the way back into a new array.
     */
    private long copy() {
      long start = System.nanoTime();
      System.arraycopy(source, 0, middle, 0, source.length);
      System.arraycopy(middle, 0, back, 0, middle.length);
      long copied = System.nanoTime();
      System.arraycopy(source, 0, middle, 0, source.length);
      byte[] received = Arrays.copyOf(middle, middle.length);
      long end = System.nanoTime();
      if (back[back.length - 1] != source[source.length - 1] || received[0] != source[0]) {
        throw new CommandFailure("bench wire: the plain copy lost bytes");
      }
      copyNanos = copied - start;
      newCopyNanos = end - copied;
      return end;
    }
  }

  private record CodecResult(EncodedTensor encoded, int runs, double encodeMBps, double decodeMBps,
      double wireMBps) {}

  private CodecResult measureCodec(WireCodec codec, Tensor activation, Plan plan) {
    int size = activation.byteSize();
    ByteBuffer direct = ByteBuffer.allocateDirect(size + 1024);
    EncodedTensor first = codec.encode(activation);
    Tensor decoded = codec.decode(first);
    if (!codec.lossy()) {
      check(decoded, activation, codec.name());
    }
    long[] times = new long[3];
    long warmUpStart = System.nanoTime();
    for (int i = 0; i < plan.warmUp(); i++) {
      codecRound(codec, activation, direct, times);
    }
    int runs = runs(plan, (System.nanoTime() - warmUpStart) / Math.max(1, plan.warmUp()));
    long[] encode = new long[runs];
    long[] decode = new long[runs];
    long[] wire = new long[runs];
    for (int i = 0; i < runs; i++) {
      codecRound(codec, activation, direct, times);
      encode[i] = times[0];
      decode[i] = times[2];
      wire[i] = times[0] + times[1] + times[2];
    }
    return new CodecResult(first, runs, Measures.megabytesPerSecond(size, Measures.median(encode)),
        Measures.megabytesPerSecond(size, Measures.median(decode)), Measures.megabytesPerSecond(size, Measures.median(wire)));
  }

  /** Times encode, serialize+deserialize of the encoding, and decode, into {@code times}. */
  private static void codecRound(WireCodec codec, Tensor activation, ByteBuffer direct, long[] times) {
    long start = System.nanoTime();
    EncodedTensor encoded = codec.encode(activation);
    long encodedAt = System.nanoTime();
    direct.clear();
    TensorWire.write(encoded, direct);
    direct.flip();
    EncodedTensor received = TensorWire.readEncoded(direct);
    long receivedAt = System.nanoTime();
    Tensor decoded = codec.decode(received);
    long end = System.nanoTime();
    times[0] = encodedAt - start;
    times[1] = receivedAt - encodedAt;
    times[2] = end - receivedAt;
    if (decoded.byteSize() != activation.byteSize()) {
      throw new CommandFailure("bench wire: " + codec.name() + " decoded " + decoded.byteSize() + " bytes, expected "
          + activation.byteSize());
    }
  }

  /**
   * Allocates throw-away arrays, as much in total as the heap's maximum and over at least a few
   * collections, so that G1 has grown the young generation to its working size and touched its pages
   * (or until the budget ends). Small arrays, so they land in the young generation like the tensors
   * of the smaller sizes.
   */
  private static void warmUpHeap() {
    long deadline = System.nanoTime() + HEAP_WARM_UP_BUDGET_NANOS;
    long target = Runtime.getRuntime().maxMemory();
    long firstCollection = collections();
    long allocated = 0;
    long checksum = 0;
    while ((allocated < target || collections() < firstCollection + HEAP_WARM_UP_COLLECTIONS)
        && System.nanoTime() < deadline) {
      byte[] garbage = new byte[256 * 1024];
      checksum += garbage[garbage.length - 1];
      allocated += garbage.length;
    }
    if (checksum != 0) {
      throw new CommandFailure("bench wire: a new array was not zero");
    }
  }

  private static long collections() {
    long total = 0;
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, collector.getCollectionCount());
    }
    return total;
  }

  /** Compiles the Kryo paths before anything is measured, so the smallest size is not timed in the interpreter. */
  private void warmUpJit(Kryo pooled, Kryo fresh, Random random, int rounds) {
    byte[] source = floatBytes(SIZES[0] / 4, random);
    Tensor small = Tensor.of(DataType.FLOAT32, List.of(1L, SIZES[0] / 4L), ByteBuffer.wrap(source));
    Round round = new Round(pooled, fresh, small, source, SIZES[0]);
    for (int i = 0; i < rounds; i++) {
      for (Path path : Path.values()) {
        round.run(path);
      }
    }
  }

  private static int runs(Plan plan, long nanosPerRun) {
    long affordable = plan.budgetNanos() / Math.max(1, nanosPerRun);
    return (int) Math.max(plan.minRuns(), Math.min(plan.maxRuns(), affordable));
  }

  private static void check(Tensor actual, Tensor expected, String path) {
    if (!actual.shape().equals(expected.shape()) || !actual.data().equals(expected.data())) {
      throw new CommandFailure("bench wire: the " + path + " round trip of " + expected + " changed the tensor");
    }
  }

  /** Little-endian float32 bytes of {@code count} values uniform in [-1, 1). */
  private static byte[] floatBytes(int count, Random random) {
    ByteBuffer bytes = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      bytes.putFloat(random.nextFloat() * 2 - 1);
    }
    return bytes.array();
  }

  /** Post-ReLU-like NCHW data: half zeros, the rest half-normal with a log-normal scale per channel. */
  private static Tensor activation(List<Long> shape, Random random) {
    int channels = Math.toIntExact(shape.get(1));
    int plane = Math.toIntExact(shape.get(2) * shape.get(3));
    int batches = Math.toIntExact(shape.get(0));
    float[] values = new float[batches * channels * plane];
    int i = 0;
    for (int n = 0; n < batches; n++) {
      for (int c = 0; c < channels; c++) {
        double scale = Math.exp(0.5 * random.nextGaussian());
        for (int k = 0; k < plane; k++) {
          values[i++] = random.nextBoolean() ? 0f : (float) (Math.abs(random.nextGaussian()) * scale);
        }
      }
    }
    return Tensor.ofFloats(shape, values);
  }

  private static String error(WireCodec codec, double value) {
    return codec.lossy() ? String.format(Locale.ROOT, "%.2e", value) : "exact";
  }

}
