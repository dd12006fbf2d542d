package io.partnner.runtime.wire;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.util.List;

/** {@code raw}: the tensor's own bytes, shared rather than copied in both directions. */
final class RawCodec implements WireCodec {
  @Override
  public String name() {
    return CodecKind.RAW.label();
  }

  @Override
  public boolean lossy() {
    return false;
  }

  @Override
  public boolean supports(Tensor tensor) {
    return true;
  }

  @Override
  public EncodedTensor encode(Tensor tensor) {
    Tensor payload = tensor.reinterpret(DataType.UINT8, List.of((long) tensor.byteSize()));
    return EncodedTensor.create(CodecKind.RAW, tensor.dataType(), tensor.shape(), new float[0], new int[0], payload,
        CodecError.NONE);
  }

  @Override
  public Tensor decode(EncodedTensor encoded) {
    Codecs.requireKind(this, encoded, CodecKind.RAW);
    return encoded.payloadTensor().reinterpret(encoded.dataType(), encoded.shape());
  }

  @Override
  public String toString() {
    return name();
  }
}
