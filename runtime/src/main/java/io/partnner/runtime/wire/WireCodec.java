package io.partnner.runtime.wire;

import io.partnner.runtime.tensor.Tensor;

/** One way of putting a crossing tensor on the wire: lossless or lossy, with its size and error reported. */
public interface WireCodec {
  /** The codec's name in plans and on the command line, e.g. {@code int8-channel}. */
  String name();

  /** True when decoding may not give back the original values. */
  boolean lossy();

  /** True when {@link #encode} accepts this tensor (lossy codecs take float32 only). */
  boolean supports(Tensor tensor);

  /**
   * Encodes the tensor; the result reports its size and, for lossy codecs, the error on this tensor.
   *
   * @throws IllegalArgumentException naming the codec and the reason when the tensor is not supported
   */
  EncodedTensor encode(Tensor tensor);

  /**
   * Decodes an encoding made by this codec.
   *
   * @throws IllegalArgumentException when the encoding was made by another codec
   * @throws WireFormatException when the payload is corrupt
   */
  Tensor decode(EncodedTensor encoded);
}
