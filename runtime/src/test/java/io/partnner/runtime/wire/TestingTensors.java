package io.partnner.runtime.wire;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;

/** Seeded tensors for wire tests. */
final class TestingTensors {
  /** The element types a tensor can have (every type but string). */
  static final List<DataType> TYPES = List.of(DataType.FLOAT32, DataType.FLOAT16, DataType.BFLOAT16,
      DataType.FLOAT64, DataType.INT8, DataType.UINT8, DataType.INT16, DataType.UINT16, DataType.INT32,
      DataType.UINT32, DataType.INT64, DataType.UINT64, DataType.BOOL);

  private TestingTensors() {}

  /** Random bytes of the right size (bools are 0 or 1). */
  static Tensor random(DataType type, List<Long> shape, long seed) {
    byte[] bytes = new byte[Math.toIntExact(Tensor.expectedBytes(type, shape))];
    Random random = new Random(seed);
    random.nextBytes(bytes);
    if (type == DataType.BOOL) {
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] &= 1;
      }
    }
    return Tensor.of(type, shape, ByteBuffer.wrap(bytes));
  }

  /** Float32 values drawn from N(0, sigma^2). */
  static Tensor gaussian(List<Long> shape, double sigma, long seed) {
    float[] values = new float[Math.toIntExact(Tensor.expectedBytes(DataType.FLOAT32, shape) / 4)];
    Random random = new Random(seed);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) (random.nextGaussian() * sigma);
    }
    return Tensor.ofFloats(shape, values);
  }

  /** The largest |a - b| over the elements, computed independently of the codecs. */
  static double maxAbsDifference(Tensor a, Tensor b) {
    float[] x = a.toFloatArray();
    float[] y = b.toFloatArray();
    double max = 0;
    for (int i = 0; i < x.length; i++) {
      if (Float.compare(x[i], y[i]) != 0) {
        double difference = Math.abs((double) x[i] - (double) y[i]);
        max = Math.max(max, Double.isNaN(difference) ? Double.POSITIVE_INFINITY : difference);
      }
    }
    return max;
  }

  /** The largest |a| over the finite elements. */
  static double maxMagnitude(Tensor a) {
    double max = 0;
    for (float value : a.toFloatArray()) {
      if (Float.isFinite(value)) {
        max = Math.max(max, Math.abs(value));
      }
    }
    return max;
  }

  /** Bytes allocated by the current thread so far (HotSpot), to show a rejection allocated nothing large. */
  static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
