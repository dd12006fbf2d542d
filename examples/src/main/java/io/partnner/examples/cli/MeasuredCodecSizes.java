package io.partnner.examples.cli;

import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.plan.CodecSizes;
import io.partnner.runtime.sim.MeasuredProfile;
import io.partnner.runtime.sim.MeasuredProfile.CodecCost;
import java.util.LinkedHashMap;
import java.util.Map;

/** The planners' codec table from a measured profile: bytes and error per cut and codec, coding time per byte. */
final class MeasuredCodecSizes {
  private MeasuredCodecSizes() {}

  /**
   * Per cut and codec the measured bytes and error; per codec the encode and decode time per raw
   * byte, summed over every cut that crosses something (a per-byte rate is all {@link CodecSizes} holds,
   * and the sum weights the large crossings, which decide whether a codec pays).
   *
   * @throws IllegalArgumentException when the measured profile does not have the model's cuts
   */
  static CodecSizes of(ModelProfile model, MeasuredProfile measured) {
    if (measured.cuts().size() != model.cuts().size()) {
      throw new IllegalArgumentException("measured profile of " + measured.modelName() + " has " + measured.cuts().size()
          + " cuts but the model has " + model.cuts().size());
    }
    CodecSizes.Builder builder = CodecSizes.builder(model);
    Map<String, double[]> totals = new LinkedHashMap<>();
    for (int cut = 0; cut < measured.edgeOnlyCut(); cut++) {
      MeasuredProfile.CutCost crossing = measured.cuts().get(cut);
      for (Map.Entry<String, CodecCost> entry : crossing.codecs().entrySet()) {
        CodecCost cost = entry.getValue();
        builder.size(cut, entry.getKey(), cost.bytes(), cost.relativeError());
        double[] sums = totals.computeIfAbsent(entry.getKey(), codec -> new double[3]);
        sums[0] += cost.encodeNanos();
        sums[1] += cost.decodeNanos();
        sums[2] += crossing.rawBytes();
      }
    }
    totals.forEach((codec, sums) -> {
      if (sums[2] > 0) {
        builder.cost(codec, sums[0] / sums[2], sums[1] / sums[2]);
      }
    });
    return builder.build();
  }
}
