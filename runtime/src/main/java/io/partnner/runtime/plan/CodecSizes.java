package io.partnner.runtime.plan;

import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.wire.WireCodecs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What each wire codec puts on the link at each candidate cut, measured once on the model's sample
 * tensors: encoded bytes, the error it causes in the model output, and its encode and decode time.
 */
public final class CodecSizes {
  /** The lossless codec every cut can use, and the codec name edge-only plans carry. */
  public static final String RAW = "raw";

  private final List<List<Size>> byCut;
  private final Map<String, Cost> costs;

  private CodecSizes(List<List<Size>> byCut, Map<String, Cost> costs) {
    this.byCut = byCut;
    this.costs = costs;
  }

  /** Only the {@code raw} codec at every cut, with the profile's uncompressed crossing bytes. */
  public static CodecSizes rawOnly(ModelProfile profile) {
    return builder(profile).build();
  }

  /** A builder for {@code profile}; cuts given no {@code raw} size get the uncompressed crossing bytes. */
  public static Builder builder(ModelProfile profile) {
    return new Builder(profile);
  }

  /** The codecs measured at {@code cut}, {@code raw} first; empty for the edge-only cut. */
  public List<Size> sizes(int cut) {
    if (cut < 0 || cut >= byCut.size()) {
      throw new IllegalArgumentException("cut " + cut + " is out of range for " + byCut.size() + " cuts");
    }
    return byCut.get(cut);
  }

  /** The encode and decode cost of a codec; zero when none was measured. */
  public Cost cost(String codec) {
    Cost cost = costs.get(codec);
    return cost != null ? cost : new Cost(codec, 0, 0);
  }

  /** Number of candidate cuts, including the edge-only one. */
  public int cutCount() {
    return byCut.size();
  }

  /**
   * One codec's encoding of one cut's crossing tensors.
   *
   * @param codec a codec name known to {@link WireCodecs}
   * @param bytes bytes on the link after encoding
   * @param error measured effect on the model output: the largest absolute output difference over the
   *     largest output magnitude, 0 for an exact round trip
   */
  public record Size(String codec, long bytes, double error) {
    public Size {
      Objects.requireNonNull(codec, "codec");
      if (bytes < 0) {
        throw new IllegalArgumentException("codec " + codec + " cannot encode to " + bytes + " bytes");
      }
      if (!(error >= 0)) {
        throw new IllegalArgumentException("codec " + codec + " has error " + error + "; expected >= 0");
      }
    }
  }

  /**
   * Time a codec takes, per byte of the uncompressed crossing tensors, as measured on one machine.
   *
   * @param encodeNanosPerByte encoding, which the edge does: the latency model scales it by the edge's speed
   *     ratio when it measured it in the cloud
   * @param decodeNanosPerByte decoding in the cloud
   */
  public record Cost(String codec, double encodeNanosPerByte, double decodeNanosPerByte) {
    public Cost {
      Objects.requireNonNull(codec, "codec");
      if (!(encodeNanosPerByte >= 0) || !(decodeNanosPerByte >= 0)
          || Double.isInfinite(encodeNanosPerByte) || Double.isInfinite(decodeNanosPerByte)) {
        throw new IllegalArgumentException(
            "codec " + codec + " needs finite non-negative costs, got encode " + encodeNanosPerByte
                + " ns/B and decode " + decodeNanosPerByte + " ns/B");
      }
    }
  }

  /** Collects measured sizes and costs; checks cut ranges, codec names and duplicates. */
  public static final class Builder {
    private final ModelProfile profile;
    private final List<List<Size>> byCut = new ArrayList<>();
    private final Map<String, Cost> costs = new HashMap<>();

    private Builder(ModelProfile profile) {
      this.profile = Objects.requireNonNull(profile, "profile");
      for (int cut = 0; cut < profile.cuts().size(); cut++) {
        byCut.add(new ArrayList<>());
      }
    }

    /** Adds the measured size of one codec at one cut (not the edge-only cut, where nothing crosses). */
    public Builder size(int cut, String codec, long bytes, double error) {
      int edgeOnly = profile.blockCount();
      if (cut < 0 || cut >= edgeOnly) {
        throw new IllegalArgumentException(
            "model " + profile.modelName() + ": codec sizes apply to cuts 0.." + (edgeOnly - 1) + ", got cut " + cut);
      }
      WireCodecs.byName(codec);
      for (Size size : byCut.get(cut)) {
        if (size.codec().equals(codec)) {
          throw new IllegalArgumentException(
              "model " + profile.modelName() + ": codec " + codec + " already has a size at cut " + cut);
        }
      }
      byCut.get(cut).add(new Size(codec, bytes, error));
      return this;
    }

    /** Sets a codec's encode and decode time per uncompressed byte. */
    public Builder cost(String codec, double encodeNanosPerByte, double decodeNanosPerByte) {
      WireCodecs.byName(codec);
      costs.put(codec, new Cost(codec, encodeNanosPerByte, decodeNanosPerByte));
      return this;
    }

    /** The sizes, with {@code raw} at every cut that lacks it. */
    public CodecSizes build() {
      List<List<Size>> cuts = new ArrayList<>(byCut.size());
      for (int cut = 0; cut < byCut.size(); cut++) {
        List<Size> sizes = new ArrayList<>(byCut.get(cut));
        sizes.removeIf(size -> size.codec().equals(RAW));
        Size raw = byCut.get(cut).stream().filter(size -> size.codec().equals(RAW)).findFirst()
            .orElse(new Size(RAW, profile.cuts().get(cut).crossingBytes(), 0));
        if (cut < profile.blockCount()) {
          sizes.add(0, raw);
        }
        cuts.add(List.copyOf(sizes));
      }
      return new CodecSizes(List.copyOf(cuts), Map.copyOf(costs));
    }
  }
}
