package io.partnner.runtime.model;

import java.util.Locale;

/** Element type of a tensor, with the names ONNX uses for it. */
public enum DataType {
  FLOAT32("float32", 4),
  FLOAT16("float16", 2),
  BFLOAT16("bfloat16", 2),
  FLOAT64("float64", 8),
  INT8("int8", 1),
  UINT8("uint8", 1),
  INT16("int16", 2),
  UINT16("uint16", 2),
  INT32("int32", 4),
  UINT32("uint32", 4),
  INT64("int64", 8),
  UINT64("uint64", 8),
  BOOL("bool", 1),
  STRING("string", -1);

  private final String label;
  private final int elementBytes;

  DataType(String label, int elementBytes) {
    this.label = label;
    this.elementBytes = elementBytes;
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
