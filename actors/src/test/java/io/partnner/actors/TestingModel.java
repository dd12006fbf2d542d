package io.partnner.actors;

import io.partnner.runtime.exec.DeviceProfile;
import io.partnner.runtime.exec.ExecutorSettings;
import io.partnner.runtime.exec.LoadedModel;
import io.partnner.runtime.exec.ModelLoader;
import io.partnner.runtime.exec.SegmentExecutor;
import io.partnner.runtime.exec.SegmentResult;
import io.partnner.runtime.model.CutPoint;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.time.Sleeper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A three-block model without ONNX for actor tests: x -> h1 = x + 1 -> h2 = 2 h1 -> y = h2 + 3, on float32
 * [1, 4]. Its bytes name it and the time each block takes (the executor waits that long, standing in for
 * compute), so a cloud node can "load" it from the bytes it fetched, as it would a real model.
 */
final class TestingModel implements LoadedModel {
  static final List<Long> SHAPE = List.of(1L, 4L);

  private final String name;
  private final long blockMicros;
  private final List<Long> shape;
  private final byte[] bytes;
  private final ModelProfile profile;
  final AtomicInteger runs = new AtomicInteger();

  TestingModel(String name, long blockMicros) {
    this(name, blockMicros, 4);
  }

  /** A model on float32 [1, width]. */
  TestingModel(String name, long blockMicros, int width) {
    this.name = name;
    this.blockMicros = blockMicros;
    this.shape = List.of(1L, (long) width);
    this.bytes = ("testing-model|" + name + "|" + blockMicros + "|" + width).getBytes(StandardCharsets.UTF_8);
    String hash;
    try {
      hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    List<CutPoint> cuts = List.of(
        new CutPoint(0, 0, List.of(spec("x", shape)), true, 0),
        new CutPoint(1, 1, List.of(spec("h1", shape)), true, 1 / 3.0),
        new CutPoint(2, 2, List.of(spec("h2", shape)), true, 2 / 3.0),
        new CutPoint(3, 3, List.of(), true, 1));
    this.profile = new ModelProfile(name, hash, List.of(spec("x", shape)), List.of(spec("y", shape)), cuts,
        List.of(1e6, 1e6, 1e6));
  }

  static TestingModel fromBytes(byte[] bytes) {
    String[] parts = new String(bytes, StandardCharsets.UTF_8).split("\\|");
    if (parts.length != 4 || !parts[0].equals("testing-model")) {
      throw new IllegalArgumentException("not a testing model");
    }
    return new TestingModel(parts[1], Long.parseLong(parts[2]), Integer.parseInt(parts[3]));
  }

  /** A loader that "analyses" testing models from their bytes. */
  static ModelLoader loader() {
    return (name, bytes, shapes) -> fromBytes(bytes);
  }

  static TensorSpec spec(String tensor, List<Long> shape) {
    return new TensorSpec(tensor, DataType.FLOAT32, shape);
  }

  static Tensor input(float... values) {
    return Tensor.ofFloats(SHAPE, values);
  }

  /** What the model computes for {@code x}. */
  static float[] expected(float[] x) {
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (x[i] + 1) * 2 + 3;
    }
    return y;
  }

  @Override
  public ModelProfile profile() {
    return profile;
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public Map<String, List<Long>> inputShapes() {
    return Map.of();
  }

  @Override
  public Map<String, Tensor> sampleInputs() {
    return Map.of("x", Tensor.ofFloats(shape, new float[Math.toIntExact(shape.get(1))]));
  }

  @Override
  public SegmentExecutor newExecutor(DeviceProfile device, ExecutorSettings settings) {
    return new SegmentExecutor() {
      @Override
      public SegmentResult run(int fromCut, int toCut, Map<String, Tensor> inputs) {
        runs.incrementAndGet();
        String[] names = {"x", "h1", "h2", "y"};
        float[] value = inputs.get(names[fromCut]).toFloatArray();
        List<Long> times = new ArrayList<>();
        for (int block = fromCut; block < toCut; block++) {
          long start = System.nanoTime();
          for (int i = 0; i < value.length; i++) {
            value[i] = block == 0 ? value[i] + 1 : block == 1 ? value[i] * 2 : value[i] + 3;
          }
          if (blockMicros > 0) {
            Sleeper.system().sleepNanos(Math.round(blockMicros * 1000 * device.slowdown()));
          }
          times.add(System.nanoTime() - start);
        }
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        outputs.put(names[toCut], Tensor.ofFloats(shape, value));
        return new SegmentResult(outputs, times, times.stream().mapToLong(Long::longValue).sum());
      }

      @Override
      public void close() {}
    };
  }
}
