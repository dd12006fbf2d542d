package io.partnner.runtime.wire;

import io.partnner.runtime.tensor.Tensor;
import java.util.List;
import java.util.stream.Collectors;

/** The wire codecs by name: {@code raw}, {@code float16}, {@code int8}, {@code int8-channel}, {@code lz4}. */
public final class WireCodecs {
  private static final List<WireCodec> ALL = List.of(new RawCodec(), new Float16Codec(), new Int8Codec(false),
      new Int8Codec(true), new Lz4Codec(TensorKryo.DEFAULT_MAX_TENSOR_BYTES));

  private WireCodecs() {}

  /** Every codec, lossless {@code raw} first. */
  public static List<WireCodec> all() {
    return ALL;
  }

  /** The codec names, in the order of {@link #all()}. */
  public static List<String> names() {
    return ALL.stream().map(WireCodec::name).collect(Collectors.toUnmodifiableList());
  }

  /**
   * The codec with this name.
   *
   * @throws IllegalArgumentException naming the unknown codec and the known ones
   */
  public static WireCodec byName(String name) {
    for (WireCodec codec : ALL) {
      if (codec.name().equals(name)) {
        return codec;
      }
    }
    throw new IllegalArgumentException("unknown wire codec '" + name + "'; known: " + String.join(", ", names()));
  }

  /** Decodes with whichever codec made the encoding. */
  public static Tensor decode(EncodedTensor encoded) {
    return byName(encoded.codec()).decode(encoded);
  }
}
