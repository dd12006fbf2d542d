package io.partnner.runtime.model;

import java.util.Locale;

/** Element type of a tensor, with the names and the {@code TensorProto.DataType} numbers ONNX uses for it. */
public enum DataType {
  FLOAT32("float32", 4, 1),
  FLOAT16("float16", 2, 10),
  BFLOAT16("bfloat16", 2, 16),
  FLOAT64("float64", 8, 11),
  INT8("int8", 1, 3),
  UINT8("uint8", 1, 2),
  INT16("int16", 2, 5),
  UINT16("uint16", 2, 4),
  INT32("int32", 4, 6),
  UINT32("uint32", 4, 12),
  INT64("int64", 8, 7),
  UINT64("uint64", 8, 13),
  BOOL("bool", 1, 9),
  STRING("string", -1, 8);

  private final String label;
  private final int elementBytes;
  private final int onnxCode;

  DataType(String label, int elementBytes, int onnxCode) {
    this.label = label;
    this.elementBytes = elementBytes;
    this.onnxCode = onnxCode;
  }

  /** ONNX's {@code TensorProto.DataType} number, also used on the wire. */
  public int onnxCode() {
    return onnxCode;
  }

  /** The type with ONNX number {@code code}, or null when there is none among ours. */
  public static DataType fromOnnxCode(int code) {
    for (DataType type : values()) {
      if (type.onnxCode == code) {
        return type;
      }
    }
    return null;
  }

  /** The lower-case name used in files and on the command line, e.g. {@code float32}. */
  public String label() {
    return label;
  }

  /** Bytes per element, or -1 for variable-length strings. */
  public int elementBytes() {
    return elementBytes;
  }

  /** True for the floating-point types, whose values are compared with a tolerance. */
  public boolean isFloatingPoint() {
    return this == FLOAT32 || this == FLOAT16 || this == BFLOAT16 || this == FLOAT64;
  }

  /** Parses a label such as {@code float32}; throws naming the label when unknown. */
  public static DataType fromLabel(String label) {
    String wanted = label.toLowerCase(Locale.ROOT);
    for (DataType type : values()) {
      if (type.label.equals(wanted)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown data type '" + label + "'");
  }
}
