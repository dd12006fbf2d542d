package io.partnner.runtime.wire;

import io.partnner.runtime.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * A tensor's bytes as one array range, for libraries that want arrays (LZ4). A heap-backed tensor lends
 * its backing array, which must only be read; other tensors are copied once.
 */
final class ByteRegion extends OutputStream {
  private final int length;
  private byte[] array;
  private int offset;
  private int filled;

  private ByteRegion(int length) {
    this.length = length;
  }

  static ByteRegion of(Tensor tensor) {
    ByteRegion region = new ByteRegion(tensor.byteSize());
    try {
      tensor.writeTo(region);
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    if (region.array == null) {
      region.array = new byte[0];
    }
    return region;
  }

  byte[] array() {
    return array;
  }

  int offset() {
    return offset;
  }

  int length() {
    return length;
  }

  @Override
  public void write(byte[] bytes, int from, int count) {
    if (array == null && count == length) {
      array = bytes;
      offset = from;
      filled = count;
      return;
    }
    if (array == null) {
      array = new byte[length];
    }
    System.arraycopy(bytes, from, array, filled, count);
    filled += count;
  }

  @Override
  public void write(int value) {
    write(new byte[] {(byte) value}, 0, 1);
  }
}
