package io.partnner.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.partnner.runtime.model.CutPoint;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
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
    int last = model.profile().cuts().size() - 1;
    if (cut < 0 || cut > last) {
      throw new ModelException("cut " + cut + " is out of range: model " + model.model().name() + " has cuts 0.." + last);
    }
    CutPoint point = model.profile().cuts().get(cut);
    double worst = 0;
    String failure = null;
    try {
      failure = checkInterface(cut, last, point);
      if (failure == null && cut > 0) {
        Comparison head = runAndCompare(0, cut, model.sampleInputs(), "head of cut " + cut);
        worst = Math.max(worst, head.maxAbsDiff);
        failure = head.failure;
      }
      if (failure == null && cut < last) {
        Comparison tail = runAndCompare(cut, last, model.recordedValuesWithInputs(), "tail of cut " + cut);
        worst = Math.max(worst, tail.maxAbsDiff);
        failure = tail.failure;
      }
    } catch (ModelException e) {
      failure = e.getMessage();
    }
    return new CutCheck(cut, point.crossing().size(), point.crossingBytes(), worst, failure);
  }

  /**
   * The head must produce every crossing tensor it computes, and the tail must read nothing but
   * crossing tensors: anything else would have to travel without being counted.
   */
  private String checkInterface(int cut, int last, CutPoint point) {
    Set<String> crossing = new HashSet<>();
    point.crossing().forEach(t -> crossing.add(t.name()));
    Set<String> graphInputs = new HashSet<>();
    model.profile().inputs().forEach(t -> graphInputs.add(t.name()));
    if (cut > 0) {
      List<String> headOutputs = model.segmentOutputs(0, cut);
      for (String name : crossing) {
        if (!graphInputs.contains(name) && !headOutputs.contains(name)) {
          return "head of cut " + cut + " does not return crossing tensor '" + name + "'";
        }
      }
    }
    if (cut < last) {
      for (TensorSpec input : model.segmentInputs(cut, last)) {
        if (!crossing.contains(input.name())) {
          return "tail of cut " + cut + " reads '" + input.name() + "', which is not in the crossing set";
        }
      }
      if (model.segmentOutputs(cut, last).isEmpty()) {
        return "tail of cut " + cut + " computes no output";
      }
    }
    return null;
  }

  private record Comparison(double maxAbsDiff, String failure) {}

  private Comparison runAndCompare(int fromCut, int toCut, Map<String, Tensor> available, String what) {
    List<TensorSpec> inputs = model.segmentInputs(fromCut, toCut);
    List<String> outputs = model.segmentOutputs(fromCut, toCut);
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
            Tensor got = OrtSupport.fromOrt(entry.getValue());
            if (got == null) {
              continue; // not a dense tensor: nothing to compare element-wise
            }
            Tensor want = expected.get(entry.getKey());
            if (want == null) {
              return new Comparison(Double.POSITIVE_INFINITY,
                  what + ": returns '" + entry.getKey() + "', which the whole model did not produce as a tensor");
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
