package io.partnner.runtime.exec;

import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.tensor.Tensor;
import java.util.List;
import java.util.Map;

/** A model ready to run: its profile (candidate cuts, blocks), its bytes, and executors over it. */
public interface LoadedModel {
  /** Candidate cuts and blocks; {@link ModelProfile#contentHash()} identifies the model between nodes. */
  ModelProfile profile();

  /** The serialized model, as other nodes fetch it. */
  byte[] bytes();

  /** The input shapes the model was analysed with (fixed symbolic dimensions). */
  Map<String, List<Long>> inputShapes();

  /** Seeded random inputs of the right shapes and types, for demos and benchmarks. */
  Map<String, Tensor> sampleInputs();

  /** A new executor over this model on a device emulated by {@code device} (native: no pacing). */
  SegmentExecutor newExecutor(DeviceProfile device, ExecutorSettings settings);
}
