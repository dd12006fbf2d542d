package io.partnner.runtime.plan;

import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.wire.WireCodecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/*
 * Design. DESIGN section 2's prediction for a plan (k, codec):
 *
 *   T = E(k) + enc + RTT + S(k, codec) / B_up + W + C(k) + R / B_down + dec,     k < n
 *
 * (enc: the codec's measured encoding time, which is measured in the cloud, times the edge's speed ratio:
 * the edge does the encoding)
 *   T = E(n)                                                                      edge-only
 *
 * The candidates (every cut with every allowed codec, and edge-only) are fixed when the model is built,
 * so a planner pays for the codec filter once. Their per-plan constants (crossing bytes after the codec,
 * codec time) sit in flat arrays, and Conditions keeps head and tail sums per cut, so evaluating all
 * candidates is one pass of a few multiply-adds each: 600 cuts x 5 codecs take microseconds.
 *
 * A lossy codec is a candidate only when a positive error bound is configured and its measured effect
 * on the model output is within it; lossless codecs always are.
 */

/** The predicted latency of every candidate plan of a model, from measured conditions. */
public final class LatencyModel {
  private final int edgeOnlyCut;
  private final long resultBytes;
  private final Plan[] plans;
  private final int[] cuts;
  private final long[] bytes;
  private final double[] encodeNanos;
  private final double[] decodeNanos;
  /** Candidates of cut k are firstOfCut[k] until firstOfCut[k + 1]. */
  private final int[] firstOfCut;

  /**
   * The candidates of {@code profile}.
   *
   * @param maxCodecError a lossy codec is allowed where its measured output error is at most this; 0 keeps
   *     lossy codecs out
   */
  public LatencyModel(ModelProfile profile, CodecSizes sizes, double maxCodecError) {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(sizes, "sizes");
    if (!(maxCodecError >= 0)) {
      throw new IllegalArgumentException("maxCodecError must be >= 0, got " + maxCodecError);
    }
    if (sizes.cutCount() != profile.cuts().size()) {
      throw new IllegalArgumentException(
          "codec sizes cover " + sizes.cutCount() + " cuts but model " + profile.modelName() + " has "
              + profile.cuts().size());
    }
    this.edgeOnlyCut = profile.blockCount();
    this.resultBytes = profile.resultBytes();
    List<Plan> planList = new ArrayList<>();
    List<long[]> values = new ArrayList<>();
    List<double[]> times = new ArrayList<>();
    this.firstOfCut = new int[edgeOnlyCut + 2];
    for (int cut = 0; cut < edgeOnlyCut; cut++) {
      firstOfCut[cut] = planList.size();
      long rawBytes = profile.cuts().get(cut).crossingBytes();
      for (CodecSizes.Size size : sizes.sizes(cut)) {
        boolean lossy = WireCodecs.byName(size.codec()).lossy();
        if (lossy && !(maxCodecError > 0 && size.error() <= maxCodecError)) {
          continue;
        }
        CodecSizes.Cost cost = sizes.cost(size.codec());
        planList.add(new Plan(cut, size.codec()));
        values.add(new long[] {cut, size.bytes()});
        times.add(new double[] {cost.encodeNanosPerByte() * rawBytes, cost.decodeNanosPerByte() * rawBytes});
      }
    }
    firstOfCut[edgeOnlyCut] = planList.size();
    planList.add(new Plan(edgeOnlyCut, CodecSizes.RAW));
    values.add(new long[] {edgeOnlyCut, 0});
    times.add(new double[] {0, 0});
    firstOfCut[edgeOnlyCut + 1] = planList.size();

    int count = planList.size();
    this.plans = planList.toArray(new Plan[0]);
    this.cuts = new int[count];
    this.bytes = new long[count];
    this.encodeNanos = new double[count];
    this.decodeNanos = new double[count];
    for (int i = 0; i < count; i++) {
      cuts[i] = (int) values.get(i)[0];
      bytes[i] = values.get(i)[1];
      encodeNanos[i] = times.get(i)[0];
      decodeNanos[i] = times.get(i)[1];
    }
  }

  /** The edge-only cut, one past the last block. */
  public int edgeOnlyCut() {
    return edgeOnlyCut;
  }

  /** The edge-only plan. */
  public Plan edgeOnly() {
    return plans[plans.length - 1];
  }

  /** Every candidate plan, by cut and then in the codec order of the sizes, edge-only last. */
  public List<Plan> candidates() {
    return List.of(plans);
  }

  /**
   * The predicted latency of {@code plan}, term by term.
   *
   * @throws IllegalArgumentException when the plan is not a candidate or the conditions are for another model
   */
  public LatencyBreakdown predict(Plan plan, Conditions conditions) {
    int index = indexOf(plan);
    if (index < 0) {
      throw new IllegalArgumentException(
          "plan (cut " + plan.cut() + ", " + plan.codec() + ") is not a candidate: cuts run 0.." + edgeOnlyCut
              + " and a codec must have a size at its cut and be allowed by the error bound");
    }
    return breakdown(index, conditions);
  }

  /** The candidate with the least predicted latency (ties go to the earlier candidate). */
  public Plan best(Conditions conditions) {
    return plans[evaluate(conditions, new double[plans.length])];
  }

  int size() {
    return plans.length;
  }

  Plan plan(int index) {
    return plans[index];
  }

  int cut(int index) {
    return cuts[index];
  }

  /** First candidate index of {@code cut}; the candidates of the cut end at {@code firstOf(cut + 1)}. */
  int firstOf(int cut) {
    return firstOfCut[cut];
  }

  /** The candidate index of {@code plan}, or -1. */
  int indexOf(Plan plan) {
    if (plan.cut() > edgeOnlyCut) {
      return -1;
    }
    for (int i = firstOfCut[plan.cut()]; i < firstOfCut[plan.cut() + 1]; i++) {
      if (plans[i].equals(plan)) {
        return i;
      }
    }
    return -1;
  }

  /** Writes every candidate's predicted total into {@code totals} and returns the argmin. */
  int evaluate(Conditions conditions, double[] totals) {
    checkConditions(conditions);
    int best = 0;
    for (int i = 0; i < plans.length; i++) {
      totals[i] = total(i, conditions);
      if (totals[i] < totals[best]) {
        best = i;
      }
    }
    return best;
  }

  double total(int index, Conditions conditions) {
    int cut = cuts[index];
    if (cut == edgeOnlyCut) {
      return conditions.edgeNanos(cut);
    }
    return conditions.edgeNanos(cut) + encodeNanos[index] * conditions.edgeOverCloud() + conditions.rttNanos()
        + Conditions.wireNanos(bytes[index], conditions.uplinkMbps()) + conditions.queueNanos()
        + conditions.cloudNanos(cut) + Conditions.wireNanos(resultBytes, conditions.downlinkMbps())
        + decodeNanos[index];
  }

  LatencyBreakdown breakdown(int index, Conditions conditions) {
    checkConditions(conditions);
    int cut = cuts[index];
    if (cut == edgeOnlyCut) {
      return new LatencyBreakdown(conditions.edgeNanos(cut), 0, 0, 0, 0, 0, 0, 0);
    }
    return new LatencyBreakdown(
        conditions.edgeNanos(cut),
        encodeNanos[index] * conditions.edgeOverCloud(),
        conditions.rttNanos(),
        Conditions.wireNanos(bytes[index], conditions.uplinkMbps()),
        conditions.queueNanos(),
        conditions.cloudNanos(cut),
        Conditions.wireNanos(resultBytes, conditions.downlinkMbps()),
        decodeNanos[index]);
  }

  private void checkConditions(Conditions conditions) {
    if (conditions.blockCount() != edgeOnlyCut) {
      throw new IllegalArgumentException(
          "conditions are for " + conditions.blockCount() + " blocks, the model has " + edgeOnlyCut);
    }
  }
}
