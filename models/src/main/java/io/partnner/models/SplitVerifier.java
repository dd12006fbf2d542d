package io.partnner.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.partnner.runtime.model.CutPoint;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Checks that head then tail equals the whole model at every candidate cut. The whole model's
 * values were recorded once on the sample input; each head is run on that input and compared with
 * the recorded crossing tensors, and each tail is run on the recorded crossing tensors and compared
 * with the recorded outputs. So the whole model is never rerun per cut.
 *
 * <p>The whole model and every piece run as written, without ONNX Runtime's graph optimisations:
 * a fusion rounds differently from the unfused nodes, and on a detector with random weights such
 * last-bit noise reorders near-equal scores before non-maximum suppression. The check is about the
 * split, so both sides compute the same nodes with the same kernels.
 */
public final class SplitVerifier {
  /** The result at one cut. */
  public record CutCheck(int cut, int crossingTensors, long crossingBytes, double maxAbsDiff, String failure) {
    /** True when head and tail both matched within tolerance. */
    public boolean passed() {
      return failure == null;
    }
  }

  /** The result over all cuts. */
  public record Report(String model, List<CutCheck> cuts, double maxAbsDiff, long wallMillis) {
    /** True when every cut passed. */
    public boolean passed() {
      return cuts.stream().allMatch(CutCheck::passed);
    }
  }

  private final PartitionedModel model;

  /** A verifier for one analysed model. */
  public SplitVerifier(PartitionedModel model) {
    this.model = model;
  }

  /** Checks every candidate cut, reporting each as it finishes. */
  public Report verifyAll(Consumer<CutCheck> progress) {
    long start = System.nanoTime();
    List<CutCheck> checks = new ArrayList<>();
    double worst = 0;
    for (CutPoint cut : model.profile().cuts()) {
      CutCheck check = verify(cut.index());
      checks.add(check);
      worst = Math.max(worst, check.maxAbsDiff());
      progress.accept(check);
    }
    return new Report(model.model().name(), checks, worst, (System.nanoTime() - start) / 1_000_000);
  }

  /** Checks one cut. */
  public CutCheck verify(int cut) {
    CutPoint point = model.profile().cuts().get(cut);
    int last = model.profile().cuts().size() - 1;
    double worst = 0;
    String failure = null;
    try {
      if (cut > 0) {
        Comparison head = runAndCompare(0, cut, model.sampleInputs(), "head of cut " + cut);
        worst = Math.max(worst, head.maxAbsDiff);
        failure = head.failure;
      }
      if (failure == null && (cut < last || cut == 0)) {
        Comparison tail = runAndCompare(cut, last, model.recordedValuesWithInputs(), "tail of cut " + cut);
        worst = Math.max(worst, tail.maxAbsDiff);
        failure = tail.failure;
      }
    } catch (ModelException e) {
      failure = e.getMessage();
    }
    return new CutCheck(cut, point.crossing().size(), point.crossingBytes(), worst, failure);
  }

  private record Comparison(double maxAbsDiff, String failure) {}

  private Comparison runAndCompare(int fromCut, int toCut, Map<String, Tensor> available, String what) {
    List<TensorSpec> inputs = model.segmentInputs(fromCut, toCut);
    List<String> outputs = model.segmentOutputs(fromCut, toCut);
    if (outputs.isEmpty()) {
      return new Comparison(0, null);
    }
    byte[] piece = model.segment(fromCut, toCut);
    Map<String, Tensor> expected = model.recordedValues();
    double worst = 0;
    try (OrtSession session = OrtSupport.open(piece, what + " of model " + model.model().name(), 0, true)) {
      Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
      try {
        for (TensorSpec input : inputs) {
          Tensor value = available.get(input.name());
          if (value == null) {
            return new Comparison(Double.POSITIVE_INFINITY, what + ": no recorded value for input '" + input.name() + "'");
          }
          feeds.put(input.name(), OrtSupport.toOrt(value, input.name()));
        }
        try (OrtSession.Result result = session.run(feeds)) {
          for (Map.Entry<String, OnnxValue> entry : result) {
            Tensor want = expected.get(entry.getKey());
            Tensor got = OrtSupport.fromOrt(entry.getValue());
            if (want == null || got == null) {
              continue; // not a dense tensor: nothing to compare element-wise
            }
            TensorComparison comparison = TensorComparison.of(entry.getKey(), want, got);
            worst = Math.max(worst, comparison.maxAbsDiff());
            if (!comparison.matches()) {
              return new Comparison(worst, what + ": " + comparison.mismatch());
            }
          }
        }
      } finally {
        feeds.values().forEach(OnnxTensor::close);
      }
    } catch (OrtException e) {
      return new Comparison(Double.POSITIVE_INFINITY, what + ": ONNX Runtime failed: " + OrtSupport.firstLine(e.getMessage()));
    }
    return new Comparison(worst, null);
  }
}
