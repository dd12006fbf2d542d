package io.partnner.models;

import io.partnner.runtime.exec.DeviceProfile;
import io.partnner.runtime.exec.DevicePacer;
import io.partnner.runtime.exec.ExecutorSettings;
import io.partnner.runtime.exec.LoadedModel;
import io.partnner.runtime.exec.ModelLoader;
import io.partnner.runtime.exec.SegmentExecutor;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.time.Sleeper;
import io.partnner.runtime.time.Ticker;
import java.util.List;
import java.util.Map;

/** Loads models for the actor runtime with ONNX Runtime: analysis by {@link PartitionedModel}, execution by {@link OrtSegmentExecutor}. */
public final class OrtModelLoader implements ModelLoader {
  @Override
  public LoadedModel load(String name, byte[] bytes, Map<String, List<Long>> inputShapes) {
    try {
      return of(PartitionedModel.analyze(OnnxModel.parse(name, bytes), InputShapes.of(inputShapes)), inputShapes);
    } catch (ModelException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Wraps a model already analysed on this node. */
  public static LoadedModel of(PartitionedModel model, Map<String, List<Long>> inputShapes) {
    return new Loaded(model, Map.copyOf(inputShapes));
  }

  private record Loaded(PartitionedModel model, Map<String, List<Long>> inputShapes) implements LoadedModel {
    @Override
    public ModelProfile profile() {
      return model.profile();
    }

    @Override
    public byte[] bytes() {
      return model.model().bytes();
    }

    @Override
    public Map<String, Tensor> sampleInputs() {
      return model.sampleInputs();
    }

    @Override
    public SegmentExecutor newExecutor(DeviceProfile device, ExecutorSettings settings) {
      return new OrtSegmentExecutor(model, settings, new DevicePacer(device, Sleeper.system()), Ticker.system());
    }
  }
}
