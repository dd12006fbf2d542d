package io.partnner.runtime.wire;

import com.esotericsoftware.kryo.Kryo;
import java.util.Objects;

/**
 * Makes the Kryo instances that read and write tensors: registration required, only our classes under
 * fixed ids, class names refused. A Kryo is not thread-safe; use one per thread or a pool.
 */
public final class TensorKryo {
  /** Largest tensor, in bytes, a Kryo from {@link #newKryo()} writes or reads: 256 MiB. */
  public static final int DEFAULT_MAX_TENSOR_BYTES = 256 << 20;
  /** Registration id of {@link io.partnner.runtime.tensor.Tensor}; the same on every node. */
  public static final int TENSOR_ID = 20;
  /** Registration id of {@link EncodedTensor}; the same on every node. */
  public static final int ENCODED_TENSOR_ID = 21;

  private TensorKryo() {}

  /** A Kryo for tensors up to {@link #DEFAULT_MAX_TENSOR_BYTES}. */
  public static Kryo newKryo() {
    return newKryo(DEFAULT_MAX_TENSOR_BYTES);
  }

  /** A Kryo for tensors up to {@code maxTensorBytes}, the limit applied when writing and reading. */
  public static Kryo newKryo(int maxTensorBytes) {
    return newKryo(maxTensorBytes, ReceiveBuffers.none());
  }

  /**
   * As {@link #newKryo(int)}, reading encoded tensor payloads into arrays from {@code receiveBuffers}; the
   * receiver gives each back with {@link EncodedTensor#release} when done with it.
   */
  public static Kryo newKryo(int maxTensorBytes, ReceiveBuffers receiveBuffers) {
    Objects.requireNonNull(receiveBuffers, "receiveBuffers");
    if (maxTensorBytes < 0) {
      throw new IllegalArgumentException("maxTensorBytes must not be negative, got " + maxTensorBytes);
    }
    Kryo kryo = new Kryo(new StrictClassResolver(), null);
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    // Kryo pre-registers primitives and String; drop them so the registry holds exactly what we send.
    for (int id = 0; id < TENSOR_ID; id++) {
      if (kryo.getClassResolver().getRegistration(id) != null) {
        kryo.getClassResolver().unregister(id);
      }
    }
    kryo.register(io.partnner.runtime.tensor.Tensor.class, new TensorSerializer(maxTensorBytes), TENSOR_ID);
    kryo.register(EncodedTensor.class, new EncodedTensorSerializer(maxTensorBytes, receiveBuffers), ENCODED_TENSOR_ID);
    return kryo;
  }
}
