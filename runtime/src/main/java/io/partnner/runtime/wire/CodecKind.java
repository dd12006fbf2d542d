package io.partnner.runtime.wire;

import java.util.List;

/** The codecs the wire format knows, with the ids that travel instead of names (never renumber). */
enum CodecKind {
  RAW(0, "raw", false),
  FLOAT16(1, "float16", true),
  INT8(2, "int8", true),
  INT8_CHANNEL(3, "int8-channel", true),
  LZ4(4, "lz4", false);

  private final int id;
  private final String label;
  private final boolean lossy;

  CodecKind(int id, String label, boolean lossy) {
    this.id = id;
    this.label = label;
    this.lossy = lossy;
  }

  int id() {
    return id;
  }

  String label() {
    return label;
  }

  boolean lossy() {
    return lossy;
  }

  /** The codec with this wire id, or null. */
  static CodecKind byId(int id) {
    for (CodecKind kind : values()) {
      if (kind.id == id) {
        return kind;
      }
    }
    return null;
  }

  /** How many (scale, zero point) pairs an encoding of this shape carries, or -1 if the shape cannot have any. */
  long parameterCount(List<Long> shape) {
    return switch (this) {
      case RAW, FLOAT16, LZ4 -> 0;
      case INT8 -> 1;
      case INT8_CHANNEL -> shape.size() >= 2 ? shape.get(1) : -1;
    };
  }
}
