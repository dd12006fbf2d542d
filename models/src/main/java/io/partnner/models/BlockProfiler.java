package io.partnner.models;

import io.partnner.runtime.exec.DevicePacer;
import io.partnner.runtime.exec.DeviceProfile;
import io.partnner.runtime.exec.ExecutorSettings;
import io.partnner.runtime.exec.SegmentResult;
import io.partnner.runtime.model.CutPoint;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.sim.MeasuredProfile;
import io.partnner.runtime.sim.MeasuredProfile.BlockTiming;
import io.partnner.runtime.sim.MeasuredProfile.CodecCost;
import io.partnner.runtime.sim.MeasuredProfile.CutCost;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.time.Ticker;
import io.partnner.runtime.wire.EncodedTensor;
import io.partnner.runtime.wire.WireCodec;
import io.partnner.runtime.wire.WireCodecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures a model for the simulator: runs it in ONNX Runtime on this machine with one session per
 * candidate cut (blocks only grouped where no FLOPs lie between cuts), and records each block's mean
 * and spread over timed runs after a warm-up; then encodes the real crossing tensors of every cut on
 * the sample input (recorded when the model was analysed) with every wire codec, timing encode and
 * decode and keeping the bytes and the codec's error on the crossing tensors. A tensor a codec does not
 * take (a lossy codec on a {@code uint8} frame) is counted raw.
 *
 * <p>The sample input is seeded random data, so lz4 finds less to compress in a cloud-only crossing
 * than it would in a real camera frame.
 */
public final class BlockProfiler {
  /**
   * How to measure.
   *
   * @param warmupRuns untimed runs first
   * @param timedRuns runs the block statistics are over
   * @param intraOpThreads ONNX Runtime threads per operator (0: its default, one per core)
   * @param codecRepeats each encode and decode is timed this many times and the fastest kept
   */
  public record Settings(int warmupRuns, int timedRuns, int intraOpThreads, int codecRepeats) {
    /** Checks the counts. */
    public Settings {
      if (warmupRuns < 0 || timedRuns < 2 || intraOpThreads < 0 || codecRepeats < 1) {
        throw new IllegalArgumentException("profiling needs warm-up >= 0, at least 2 timed runs, threads >= 0 and "
            + "codec repeats >= 1, got " + warmupRuns + ", " + timedRuns + ", " + intraOpThreads + ", " + codecRepeats);
      }
    }

    /** Three warm-up runs, twenty timed runs, ONNX Runtime's own thread count, codecs timed three times. */
    public static Settings defaults() {
      return new Settings(3, 20, 0, 3);
    }
  }

  private BlockProfiler() {}

  /**
   * Measures {@code model}.
   *
   * @throws ModelException naming the model when ONNX Runtime fails
   */
  public static MeasuredProfile profile(PartitionedModel model, Settings settings) {
    List<CutPoint> cuts = model.profile().cuts();
    int last = cuts.size() - 1;
    double[] sum = new double[last];
    double[] sumSquares = new double[last];
    ExecutorSettings perCut = ExecutorSettings.defaults().withIntraOpThreads(settings.intraOpThreads())
        .withGroupFlopShare(0).uncoarsened();
    try (OrtSegmentExecutor executor =
        new OrtSegmentExecutor(model, perCut, new DevicePacer(DeviceProfile.NATIVE, nanos -> { }), Ticker.system())) {
      for (int run = -settings.warmupRuns(); run < settings.timedRuns(); run++) {
        SegmentResult result = executor.run(0, last, model.sampleInputs());
        if (run >= 0) {
          for (int b = 0; b < last; b++) {
            double nanos = result.blockNanos().get(b);
            sum[b] += nanos;
            sumSquares[b] += nanos * nanos;
          }
        }
      }
    }
    int n = settings.timedRuns();
    // One session per block over-states what a range costs the way the executor runs it (pieces merged, no
    // per-session cost at every cut): scale the blocks so that the whole model costs what the executor takes.
    double perBlockTotal = 0;
    for (int b = 0; b < last; b++) {
      perBlockTotal += sum[b] / n;
    }
    double scale = perBlockTotal > 0 ? executorMedianNanos(model, settings) / perBlockTotal : 1;
    List<BlockTiming> blocks = new ArrayList<>(last);
    for (int b = 0; b < last; b++) {
      double mean = sum[b] / n;
      double variance = Math.max(0, (sumSquares[b] - n * mean * mean) / (n - 1));
      blocks.add(new BlockTiming(mean * scale, Math.sqrt(variance) * scale));
    }
    Map<String, Tensor> values = model.recordedValuesWithInputs();
    List<CutCost> costs = new ArrayList<>(cuts.size());
    for (CutPoint cut : cuts) {
      List<Tensor> crossing = new ArrayList<>();
      for (TensorSpec spec : cut.crossing()) {
        Tensor value = values.get(spec.name());
        if (value == null) {
          throw new ModelException("model " + model.model().name() + ": crossing tensor '" + spec.name() + "' of cut "
              + cut.index() + " was not recorded on the sample input");
        }
        crossing.add(value);
      }
      Map<String, CodecCost> codecs = new LinkedHashMap<>();
      for (WireCodec codec : WireCodecs.all()) {
        codecs.put(codec.name(), codecCost(codec, crossing, settings.codecRepeats()));
      }
      costs.add(new CutCost(cut.crossingBytes(), codecs));
    }
    return new MeasuredProfile(model.model().name(), model.model().contentHash(), n, blocks, costs,
        model.profile().resultBytes());
  }

  /** Median time of the whole model run by the executor as it serves (default grouping, merged pieces). */
  private static double executorMedianNanos(PartitionedModel model, Settings settings) {
    int last = model.profile().cuts().size() - 1;
    long[] times = new long[settings.timedRuns()];
    try (OrtSegmentExecutor executor = new OrtSegmentExecutor(model,
        ExecutorSettings.defaults().withIntraOpThreads(settings.intraOpThreads()),
        new DevicePacer(DeviceProfile.NATIVE, nanos -> { }), Ticker.system())) {
      // Enough untimed runs for calibration and merging to finish first.
      for (int run = 0; run < settings.warmupRuns() + ExecutorSettings.defaults().calibrationRuns() + 2; run++) {
        executor.run(0, last, model.sampleInputs());
      }
      for (int run = 0; run < times.length; run++) {
        long before = System.nanoTime();
        executor.run(0, last, model.sampleInputs());
        times[run] = System.nanoTime() - before;
      }
    }
    java.util.Arrays.sort(times);
    return times[times.length / 2];
  }

  private static CodecCost codecCost(WireCodec codec, List<Tensor> crossing, int repeats) {
    WireCodec raw = WireCodecs.byName("raw");
    long bytes = 0;
    double encode = 0;
    double decode = 0;
    double error = 0;
    for (Tensor tensor : crossing) {
      WireCodec used = codec.supports(tensor) ? codec : raw;
      EncodedTensor encoded = null;
      long fastestEncode = Long.MAX_VALUE;
      long fastestDecode = Long.MAX_VALUE;
      for (int r = 0; r < repeats; r++) {
        long before = System.nanoTime();
        encoded = used.encode(tensor);
        long between = System.nanoTime();
        used.decode(encoded);
        long after = System.nanoTime();
        fastestEncode = Math.min(fastestEncode, between - before);
        fastestDecode = Math.min(fastestDecode, after - between);
      }
      bytes += encoded.encodedBytes();
      encode += fastestEncode;
      decode += fastestDecode;
      error = Math.max(error, encoded.error().relativeError());
    }
    return new CodecCost(bytes, encode, decode, error);
  }

  /**
   * The profile of {@code model} from {@code cacheDir} when one was saved there for the same model
   * content and run count, else measured now and saved there.
   *
   * @throws UncheckedIOException when the cache cannot be written
   */
  public static MeasuredProfile cached(PartitionedModel model, Settings settings, Path cacheDir) {
    String hash = model.model().contentHash();
    String name = model.model().name().replaceAll("[^A-Za-z0-9._-]", "_");
    // "-c": block times scaled to the executor's whole-model time (older profiles were not).
    Path file = cacheDir.resolve(name + "-" + hash.substring(0, Math.min(16, hash.length())) + "-r"
        + settings.timedRuns() + "-c.profile");
    if (Files.isRegularFile(file)) {
      try {
        MeasuredProfile saved = MeasuredProfile.read(file);
        if (saved.contentHash().equals(hash) && saved.blockCount() == model.profile().blockCount()) {
          return saved;
        }
      } catch (IOException | IllegalArgumentException e) {
        // A damaged or foreign cache entry is measured again and overwritten.
      }
    }
    MeasuredProfile measured = profile(model, settings);
    try {
      measured.write(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the measured profile of " + model.model().name() + " to " + file, e);
    }
    return measured;
  }
}
