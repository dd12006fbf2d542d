package io.partnner.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.partnner.runtime.exec.DevicePacer;
import io.partnner.runtime.exec.DeviceProfile;
import io.partnner.runtime.exec.ExecutorSettings;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.time.Sleeper;
import io.partnner.runtime.time.Ticker;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Measures what running a model block by block costs: plain ONNX Runtime on the whole model in one
 * session, against the segment executor over all blocks (grouped as it runs them) and against one
 * session per candidate cut. The three run interleaved on the sample input so drift hits them alike.
 */
public final class BlockRunBenchmark {
  /** Medians and 90th percentiles in nanoseconds, and session counts. */
  public record Result(
      long wholeMedianNanos, long wholeP90Nanos,
      long groupedMedianNanos, long groupedP90Nanos, int groupedSessions,
      long perCutMedianNanos, long perCutP90Nanos, int perCutSessions) {
    /** Grouped executor time over the whole model's. */
    public double groupedRatio() {
      return (double) groupedMedianNanos / wholeMedianNanos;
    }

    /** One-session-per-cut time over the whole model's. */
    public double perCutRatio() {
      return (double) perCutMedianNanos / wholeMedianNanos;
    }
  }

  private BlockRunBenchmark() {}

  /** Runs the comparison. */
  public static Result run(PartitionedModel model, int threads, int warmup, int runs) throws OrtException {
    int last = model.profile().cuts().size() - 1;
    DevicePacer pacer = new DevicePacer(DeviceProfile.NATIVE, Sleeper.system());
    long[] whole = new long[runs];
    long[] grouped = new long[runs];
    long[] perCut = new long[runs];
    Map<String, Tensor> inputs = model.sampleInputs();
    try (OrtSession session = OrtSupport.open(model.model().bytes(), "model " + model.model().name(), threads, false);
        OrtSegmentExecutor groupedExecutor =
            new OrtSegmentExecutor(model, ExecutorSettings.defaults().withIntraOpThreads(threads), pacer, Ticker.system());
        OrtSegmentExecutor perCutExecutor =
            new OrtSegmentExecutor(model,
                ExecutorSettings.defaults().withIntraOpThreads(threads).withGroupFlopShare(0).uncoarsened(),
                pacer, Ticker.system())) {
      for (int i = -warmup; i < runs; i++) {
        long a = System.nanoTime();
        runWhole(session, inputs);
        long b = System.nanoTime();
        groupedExecutor.run(0, last, inputs);
        long c = System.nanoTime();
        perCutExecutor.run(0, last, inputs);
        long d = System.nanoTime();
        if (i >= 0) {
          whole[i] = b - a;
          grouped[i] = c - b;
          perCut[i] = d - c;
        }
      }
      return new Result(
          percentile(whole, 0.5), percentile(whole, 0.9),
          percentile(grouped, 0.5), percentile(grouped, 0.9), groupedExecutor.sessionCount(),
          percentile(perCut, 0.5), percentile(perCut, 0.9), perCutExecutor.sessionCount());
    }
  }

  /** Feeds copied inputs and copies every output out, as any caller of ONNX Runtime must. */
  private static void runWhole(OrtSession session, Map<String, Tensor> inputs) throws OrtException {
    Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
    try {
      inputs.forEach((name, tensor) -> feeds.put(name, OrtSupport.toOrt(tensor, name)));
      try (OrtSession.Result result = session.run(feeds)) {
        result.forEach(entry -> OrtSupport.fromOrt(entry.getValue()));
      }
    } finally {
      feeds.values().forEach(OnnxTensor::close);
    }
  }

  private static long percentile(long[] values, double quantile) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(quantile * sorted.length))];
  }
}
