package io.partnner.runtime.wire;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Several named encoded tensors as one byte array (count, then name and Kryo form of each), for the bulk lane
 * that moves crossing tensors beside Artery. Counts and lengths are checked before anything is allocated.
 */
public final class TensorBundle {
  private static final int MAX_TENSORS = 65_536;
  private static final int MAX_NAME_BYTES = 4096;

  private TensorBundle() {}

  /** The bundle's bytes. */
  public static byte[] toBytes(Map<String, EncodedTensor> tensors) {
    long size = 4;
    Map<String, byte[]> names = new LinkedHashMap<>();
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    for (Map.Entry<String, EncodedTensor> entry : tensors.entrySet()) {
      byte[] name = entry.getKey().getBytes(StandardCharsets.UTF_8);
      byte[] body = TensorWire.toBytes(entry.getValue());
      names.put(entry.getKey(), name);
      bodies.put(entry.getKey(), body);
      size += 8L + name.length + body.length;
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a bundle of " + size + " bytes is more than one array holds");
    }
    ByteBuffer out = ByteBuffer.allocate((int) size);
    out.putInt(tensors.size());
    for (String key : tensors.keySet()) {
      out.putInt(names.get(key).length).put(names.get(key));
      out.putInt(bodies.get(key).length).put(bodies.get(key));
    }
    return out.array();
  }

  /**
   * The tensors of a bundle.
   *
   * @throws WireFormatException naming what is wrong when the bytes are not a whole bundle
   */
  public static Map<String, EncodedTensor> fromBytes(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      int count = in.getInt();
      if (count < 0 || count > MAX_TENSORS) {
        throw new WireFormatException("bundle claims " + count + " tensors, outside 0.." + MAX_TENSORS);
      }
      Map<String, EncodedTensor> tensors = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = new String(slice(in, MAX_NAME_BYTES, "tensor name"), StandardCharsets.UTF_8);
        tensors.put(name, TensorWire.encodedFromBytes(slice(in, Integer.MAX_VALUE, "tensor '" + name + "'")));
      }
      if (in.hasRemaining()) {
        throw new WireFormatException("bundle has " + in.remaining() + " bytes after its " + count + " tensors");
      }
      return tensors;
    } catch (BufferUnderflowException truncated) {
      throw new WireFormatException("bundle of " + bytes.length + " bytes is truncated");
    }
  }

  private static byte[] slice(ByteBuffer in, int limit, String what) {
    int length = in.getInt();
    if (length < 0 || length > limit || length > in.remaining()) {
      throw new WireFormatException(what + " claims " + length + " bytes, but the bundle holds " + in.remaining());
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }
}
