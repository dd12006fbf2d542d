package io.partnner.models;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** The one place that turns ONNX Runtime's types and errors into ours. */
final class OrtSupport {
  private OrtSupport() {}

  private static OrtEnvironment environment;

  /**
   * The process-wide environment, with one intra-op thread pool shared by every session that does
   * not ask for its own: an executor holds many small sessions, and a pool each would leave idle
   * pools spinning against the busy one on a small machine. Warnings stay out of the user's
   * terminal; errors come back as exceptions.
   */
  static synchronized OrtEnvironment environment() {
    if (environment == null) {
      try (OrtEnvironment.ThreadingOptions threading = new OrtEnvironment.ThreadingOptions()) {
        threading.setGlobalIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
        threading.setGlobalInterOpNumThreads(1);
        if ("false".equals(System.getProperty("partnner.ort.spin"))) {
          // Off, pool threads stop spinning after a run, which frees the cores for the actors (bench overhead
          // 1.044 / 1.232 against 1.086 / 1.396 with spinning) but made an emulated x4 ResNet-50 run from a
          // dispatcher thread take 262-304 ms instead of 170: ONNX Runtime's default (spinning) stays.
          threading.setGlobalSpinControl(false);
        }
        environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "partnner", threading);
      } catch (OrtException e) {
        throw new ModelException("ONNX Runtime cannot start: " + firstLine(e.getMessage()), e);
      }
    }
    return environment;
  }

  /**
   * Opens a session on model bytes; a refusal becomes a {@link ModelException} naming {@code what}.
   *
   * @param asWritten run the graph exactly as written, without ONNX Runtime's graph optimisations;
   *     fusions (a BatchNormalization folded into a Conv, say) round differently, which is noise
   *     when checking that pieces compose to the whole
   */
  static OrtSession open(byte[] modelBytes, String what, int intraOpThreads, boolean asWritten) {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      if (intraOpThreads > 0) {
        options.setIntraOpNumThreads(intraOpThreads);
      } else {
        options.disablePerSessionThreads();
      }
      if (asWritten) {
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
      }
      return environment().createSession(modelBytes, options);
    } catch (OrtException e) {
      throw new ModelException("ONNX Runtime refused " + what + ": " + firstLine(e.getMessage()), e);
    }
  }

  static OnnxTensor toOrt(Tensor tensor, String name) {
    ByteBuffer direct = ByteBuffer.allocateDirect(tensor.byteSize()).order(ByteOrder.nativeOrder());
    direct.put(tensor.data());
    direct.flip();
    long[] shape = tensor.shape().stream().mapToLong(Long::longValue).toArray();
    try {
      return OnnxTensor.createTensor(environment(), direct, shape, javaType(tensor.dataType(), name));
    } catch (OrtException e) {
      throw new ModelException("tensor '" + name + "': ONNX Runtime cannot hold it: " + firstLine(e.getMessage()), e);
    }
  }

  /** Copies an ONNX Runtime value out, or returns null for values that are not dense tensors. */
  static Tensor fromOrt(OnnxValue value) {
    if (!(value instanceof OnnxTensor tensor)) {
      return null;
    }
    TensorInfo info = tensor.getInfo();
    DataType type = dataType(info.onnxType);
    if (type == null || type == DataType.STRING) {
      return null;
    }
    ByteBuffer bytes = tensor.getByteBuffer();
    if (bytes == null) {
      return null;
    }
    ByteBuffer copy = ByteBuffer.allocate(bytes.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    copy.put(bytes.order(ByteOrder.nativeOrder()));
    copy.flip();
    List<Long> shape = new ArrayList<>();
    for (long dim : info.getShape()) {
      shape.add(dim);
    }
    return Tensor.of(type, shape, copy);
  }

  private static OnnxJavaType javaType(DataType type, String name) {
    return switch (type) {
      case FLOAT32 -> OnnxJavaType.FLOAT;
      case FLOAT64 -> OnnxJavaType.DOUBLE;
      case FLOAT16 -> OnnxJavaType.FLOAT16;
      case BFLOAT16 -> OnnxJavaType.BFLOAT16;
      case INT8 -> OnnxJavaType.INT8;
      case UINT8 -> OnnxJavaType.UINT8;
      case INT16 -> OnnxJavaType.INT16;
      case INT32 -> OnnxJavaType.INT32;
      case INT64 -> OnnxJavaType.INT64;
      case BOOL -> OnnxJavaType.BOOL;
      default -> throw new ModelException(
          "tensor '" + name + "': element type " + type.label() + " cannot be passed to ONNX Runtime from Java");
    };
  }

  static DataType dataType(TensorInfo.OnnxTensorType type) {
    return switch (type) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT -> DataType.FLOAT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE -> DataType.FLOAT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> DataType.FLOAT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> DataType.BFLOAT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8 -> DataType.INT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8 -> DataType.UINT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16 -> DataType.INT16;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32 -> DataType.INT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64 -> DataType.INT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL -> DataType.BOOL;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING -> DataType.STRING;
      default -> null;
    };
  }

  static String firstLine(String message) {
    if (message == null) {
      return "no reason given";
    }
    String trimmed = message.strip();
    int newline = trimmed.indexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(0, newline);
  }
}
