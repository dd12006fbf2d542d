package io.partnner.models;

import io.partnner.runtime.model.DataType;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Seeded random inputs in each type's natural range: pixels 0-255, floats around 0, small integers. */
public final class SampleInputs {
  private SampleInputs() {}

  /** One tensor per spec, the same for the same seed. */
  public static Map<String, Tensor> random(List<TensorSpec> specs, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, Tensor> inputs = new LinkedHashMap<>();
    for (TensorSpec spec : specs) {
      inputs.put(spec.name(), random(spec, random.split()));
    }
    return inputs;
  }

  private static Tensor random(TensorSpec spec, SplittableRandom random) {
    long bytes = spec.bytes();
    if (bytes > Integer.MAX_VALUE) {
      throw new ModelException("input '" + spec.name() + "' of shape " + spec.shapeText() + " is over 2 GiB");
    }
    ByteBuffer data = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    long count = spec.elementCount();
    DataType type = spec.dataType();
    for (long i = 0; i < count; i++) {
      switch (type) {
        case FLOAT32 -> data.putFloat((float) random.nextDouble(-1, 1));
        case FLOAT64 -> data.putDouble(random.nextDouble(-1, 1));
        case FLOAT16 -> data.putShort((short) 0x3800); // 0.5: exact in half precision
        case UINT8 -> data.put((byte) random.nextInt(256));
        case INT8 -> data.put((byte) random.nextInt(-128, 128));
        case BOOL -> data.put((byte) random.nextInt(2));
        case INT16, UINT16 -> data.putShort((short) random.nextInt(10));
        case INT32, UINT32 -> data.putInt(random.nextInt(10));
        case INT64, UINT64 -> data.putLong(random.nextInt(10));
        default -> throw new ModelException("input '" + spec.name() + "': cannot make " + type.label() + " samples");
      }
    }
    data.flip();
    return Tensor.of(type, spec.shape(), data);
  }
}
