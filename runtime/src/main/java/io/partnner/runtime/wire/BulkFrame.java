package io.partnner.runtime.wire;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import io.partnner.runtime.model.DataType;
import io.partnner.runtime.tensor.Tensor;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One frame of the bulk lane: a request ({@link BulkRequest}) and its named encoded tensors under a token, laid out
 * so that their payloads go from the sender's buffers to the socket and from the socket into the receiver's arrays
 * with no intermediate copy.
 *
 * <pre>
 * int    magic 0x504E4232 ("PNB2")
 * byte[16] token
 * int    note length (1 .. 64 KiB), the note: the request
 * int    header length (1 .. 1 MiB)
 * header: varint count; per tensor: varint name length, UTF-8 name, codec id, dtype code (ONNX), shape (as in
 *         the tensor wire format), max abs and relative error (doubles), varint parameter count, the scales
 *         (floats), the zero points (bytes), varint payload length
 * the payloads, in header order, back to back
 * </pre>
 *
 * Everything a peer claims is checked before anything is allocated: counts, name lengths, shapes against the
 * tensor limit, payload lengths, and the frame's total against the frame limit.
 *
 * <p>The other way, on the same connection, go acknowledgements: int magic 0x504E4241 ("PNBA"), the 16-byte token,
 * int queue length, long mean service nanoseconds (32 bytes); and replies: int magic 0x504E4252 ("PNBR"), the
 * token, int note length (0 .. 64 KiB), the note (the application's bytes), then header and payloads as above; and
 * refusals: int magic 0x504E4246 ("PNBF"), the token, int reason length (1 .. 64 KiB), the reason (UTF-8).
 */
final class BulkFrame {
  static final int MAGIC = 0x504E4232;
  static final int TOKEN_BYTES = 16;
  static final int MAX_HEADER_BYTES = 1 << 20;
  static final int MAX_TENSORS = 4096;
  static final int MAX_NAME_BYTES = 4096;
  static final int ACK_MAGIC = 0x504E4241;
  static final int ACK_BYTES = 4 + TOKEN_BYTES + 4 + 8;
  static final int REPLY_MAGIC = 0x504E4252;
  static final int MAX_NOTE_BYTES = 1 << 16;
  static final int REFUSAL_MAGIC = 0x504E4246;
  // Characters of a refusal's reason sent: at most 3 UTF-8 bytes each, so it stays within a note's limit.
  private static final int MAX_REASON_CHARS = MAX_NOTE_BYTES / 3;

  /** An acknowledgement as read: the token and what the receiver said. */
  record Ack(String token, BulkAck ack) {}

  /** One tensor as its header announces it, before its payload is read. */
  record Entry(String name, CodecKind codec, DataType dataType, List<Long> shape, float[] scales, int[] zeroPoints,
      CodecError error, int payloadBytes) {}

  /** The tensors a frame announces and the bytes of all their payloads. */
  record Header(List<Entry> entries, long payloadBytes) {}

  private BulkFrame() {}

  /** Bytes of the payloads {@link #write} sends for {@code tensors} (the header comes on top). */
  static long payloadBytes(Map<String, EncodedTensor> tensors) {
    long total = 0;
    for (EncodedTensor tensor : tensors.values()) {
      total += tensor.payloadBytes();
    }
    return total;
  }

  /**
   * Writes one frame to {@code out} (not flushed). The payloads are handed to {@code out} as they are.
   *
   * @throws IllegalArgumentException when a tensor cannot be sent (type, rank, over {@code maxTensorBytes}) or
   *     the header would be too big; nothing is written then
   */
  static void write(OutputStream out, String token, BulkRequest request, Map<String, EncodedTensor> tensors,
      int maxTensorBytes) throws IOException {
    writeFrame(out, MAGIC, token, request.note(), tensors, maxTensorBytes);
  }

  /** As {@link #write}, a reply: {@code note} (at most {@link #MAX_NOTE_BYTES}) travels before the tensors. */
  static void writeReply(OutputStream out, String token, byte[] note, Map<String, EncodedTensor> tensors,
      int maxTensorBytes) throws IOException {
    if (note.length > MAX_NOTE_BYTES) {
      throw new IllegalArgumentException("a bulk reply's note of " + note.length + " bytes is over " + MAX_NOTE_BYTES);
    }
    writeFrame(out, REPLY_MAGIC, token, note, tensors, maxTensorBytes);
  }

  private static void writeFrame(OutputStream out, int magic, String token, byte[] note,
      Map<String, EncodedTensor> tensors, int maxTensorBytes) throws IOException {
    byte[] head = head(magic, token, note, tensors, maxTensorBytes);
    out.write(head);
    for (EncodedTensor tensor : tensors.values()) {
      tensor.payloadTensor().writeTo(out);
    }
  }

  private static byte[] head(int magic, String token, byte[] note, Map<String, EncodedTensor> tensors,
      int maxTensorBytes) {
    byte[] rawToken = tokenBytes(token);
    if (tensors.size() > MAX_TENSORS) {
      throw new IllegalArgumentException("a bulk frame carries at most " + MAX_TENSORS + " tensors, not " + tensors.size());
    }
    int noteBytes = note == null ? 0 : 4 + note.length;
    Output header = new Output(256, MAX_HEADER_BYTES + 24 + noteBytes);
    // The magic number and the lengths are filled in below, big-endian (Kryo writes ints little-endian).
    header.writeInt(0);
    header.writeBytes(rawToken);
    if (note != null) {
      header.writeInt(0);
      header.writeBytes(note);
    }
    int headerStart = header.position();
    header.writeInt(0);
    try {
      header.writeVarInt(tensors.size(), true);
      for (Map.Entry<String, EncodedTensor> entry : tensors.entrySet()) {
        EncodedTensor tensor = entry.getValue();
        WireHeaders.checkSendable(tensor.dataType(), tensor.shape(),
            Math.max(tensor.originalBytes(), tensor.payloadBytes()), maxTensorBytes, tensor);
        byte[] name = entry.getKey().getBytes(StandardCharsets.UTF_8);
        if (name.length > MAX_NAME_BYTES) {
          throw new IllegalArgumentException("tensor name of " + name.length + " bytes is over the bulk lane's limit of "
              + MAX_NAME_BYTES);
        }
        header.writeVarInt(name.length, true);
        header.writeBytes(name);
        header.writeByte(tensor.kind().id());
        header.writeByte(WireHeaders.dataTypeCode(tensor.dataType()));
        WireHeaders.writeShape(header, tensor.shape());
        header.writeDouble(tensor.error().maxAbsError());
        header.writeDouble(tensor.error().relativeError());
        header.writeVarInt(tensor.parameterCount(), true);
        for (int i = 0; i < tensor.parameterCount(); i++) {
          header.writeFloat(tensor.scale(i));
        }
        for (int i = 0; i < tensor.parameterCount(); i++) {
          header.writeByte(tensor.zeroPoint(i));
        }
        header.writeVarInt(tensor.payloadBytes(), true);
      }
    } catch (KryoException overflow) {
      throw new IllegalArgumentException("the header of a bulk frame of " + tensors.size() + " tensors is over "
          + MAX_HEADER_BYTES + " bytes", overflow);
    }
    byte[] head = header.toBytes();
    ByteBuffer fields = ByteBuffer.wrap(head).putInt(0, magic).putInt(headerStart, head.length - headerStart - 4);
    if (note != null) {
      fields.putInt(4 + TOKEN_BYTES, note.length);
    }
    return head;
  }

  /** The 16 bytes of a token given as 32 hex digits. */
  static byte[] tokenBytes(String token) {
    byte[] raw;
    try {
      raw = HexFormat.of().parseHex(token);
    } catch (IllegalArgumentException notHex) {
      throw new IllegalArgumentException("bulk token '" + token + "' is not hex");
    }
    if (raw.length != TOKEN_BYTES) {
      throw new IllegalArgumentException("bulk token has " + raw.length + " bytes, expected " + TOKEN_BYTES);
    }
    return raw;
  }

  /** The bytes of an acknowledgement. */
  static byte[] ack(String token, int queueLength, long meanServiceNanos) {
    return ByteBuffer.allocate(ACK_BYTES).putInt(ACK_MAGIC).put(tokenBytes(token)).putInt(queueLength)
        .putLong(meanServiceNanos).array();
  }

  /** The bytes of a refusal of the frame under {@code token}, for {@code reason} (cut short if very long). */
  static byte[] refusal(String token, String reason) {
    String sent = reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason;
    byte[] text = (sent.isEmpty() ? "refused" : sent).getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + TOKEN_BYTES + 4 + text.length).putInt(REFUSAL_MAGIC).put(tokenBytes(token))
        .putInt(text.length).put(text).array();
  }

  /** A refusal as read: the token and the receiver's reason. */
  record Refusal(String token, String reason) {}

  /**
   * Reads the rest of a refusal, after its magic number.
   *
   * @throws WireFormatException when the reason's length is out of bounds
   * @throws IOException when the stream fails or ends
   */
  static Refusal readRefusal(DataInputStream in) throws IOException {
    String token = readToken(in);
    int length = in.readInt();
    if (length < 1 || length > MAX_NOTE_BYTES) {
      throw new WireFormatException("bulk refusal claims a reason of " + length + " bytes, outside 1.." + MAX_NOTE_BYTES);
    }
    byte[] reason = new byte[length];
    in.readFully(reason);
    return new Refusal(token, new String(reason, StandardCharsets.UTF_8));
  }

  /**
   * Reads a frame's note, the part after the magic number and the token: the bytes of its request, not yet read.
   *
   * @throws WireFormatException when its length is out of bounds (the stream cannot be trusted after it)
   * @throws IOException when the stream fails or ends
   */
  static byte[] readNote(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 1 || length > MAX_NOTE_BYTES) {
      throw new WireFormatException("bulk frame claims a request note of " + length + " bytes, outside 1.."
          + MAX_NOTE_BYTES);
    }
    byte[] note = new byte[length];
    in.readFully(note);
    return note;
  }

  /** A reply as read: the token, the note and the tensors. */
  record Reply(String token, BulkReply reply) {}

  /**
   * Reads the rest of an acknowledgement, after its magic number.
   *
   * @throws IOException when the stream fails or ends
   */
  static Ack readAck(DataInputStream in) throws IOException {
    return new Ack(readToken(in), new BulkAck(in.readInt(), in.readLong()));
  }

  /**
   * Reads the rest of a reply, after its magic number.
   *
   * @throws WireFormatException naming what is wrong, as {@link #readHeader}, or a note over its limit
   * @throws IOException when the stream fails or ends
   */
  static Reply readReply(DataInputStream in, int maxTensorBytes, long maxFrameBytes) throws IOException {
    String token = readToken(in);
    int noteLength = in.readInt();
    if (noteLength < 0 || noteLength > MAX_NOTE_BYTES) {
      throw new WireFormatException("bulk reply claims a note of " + noteLength + " bytes, outside 0.." + MAX_NOTE_BYTES);
    }
    byte[] note = new byte[noteLength];
    in.readFully(note);
    Header header = readHeader(in, maxTensorBytes, maxFrameBytes);
    return new Reply(token, new BulkReply(note, readPayloads(in, header, ReceiveBuffers.none())));
  }

  private static String readToken(DataInputStream in) throws IOException {
    byte[] token = new byte[TOKEN_BYTES];
    in.readFully(token);
    return HexFormat.of().formatHex(token);
  }

  /**
   * Reads a frame's header, the part after the note (or, in a reply, after the magic number, the token and the note).
   *
   * @throws WireFormatException naming what is wrong: a length out of bounds, an unknown codec or dtype, a shape
   *     over {@code maxTensorBytes}, a payload or a frame total over the limits, a repeated name
   * @throws IOException when the stream fails or ends
   */
  static Header readHeader(DataInputStream in, int maxTensorBytes, long maxFrameBytes) throws IOException {
    int length = in.readInt();
    if (length < 1 || length > MAX_HEADER_BYTES) {
      throw new WireFormatException("bulk frame header claims " + length + " bytes, outside 1.." + MAX_HEADER_BYTES);
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    Input header = new Input(bytes);
    String what = "bulk frame header";
    try {
      int count = header.readVarInt(true);
      if (count < 0 || count > MAX_TENSORS) {
        throw new WireFormatException(what + " claims " + count + " tensors, outside 0.." + MAX_TENSORS);
      }
      List<Entry> entries = new ArrayList<>(count);
      Map<String, Boolean> names = new LinkedHashMap<>();
      long total = 0;
      for (int i = 0; i < count; i++) {
        int nameLength = header.readVarInt(true);
        if (nameLength < 0 || nameLength > MAX_NAME_BYTES || nameLength > header.limit() - header.position()) {
          throw new WireFormatException(what + ": tensor " + i + " has a name of " + nameLength + " bytes, outside 0.."
              + Math.min(MAX_NAME_BYTES, header.limit() - header.position()));
        }
        String name = new String(header.readBytes(nameLength), StandardCharsets.UTF_8);
        if (names.put(name, Boolean.TRUE) != null) {
          throw new WireFormatException(what + " names tensor '" + name + "' twice");
        }
        String tensorWhat = "bulk frame tensor '" + name + "'";
        int codecId = header.readByteUnsigned();
        CodecKind codec = CodecKind.byId(codecId);
        if (codec == null) {
          throw new WireFormatException(tensorWhat + " has unknown codec id " + codecId);
        }
        DataType dataType = WireHeaders.readDataType(header, tensorWhat);
        List<Long> shape = WireHeaders.readShape(header, tensorWhat);
        long original = WireHeaders.expectedBytes(dataType, shape, tensorWhat);
        if (original > maxTensorBytes) {
          throw new WireFormatException(tensorWhat + " decodes to " + original + " bytes, over the limit of "
              + maxTensorBytes);
        }
        CodecError error;
        try {
          error = new CodecError(header.readDouble(), header.readDouble());
        } catch (IllegalArgumentException invalid) {
          throw new WireFormatException(tensorWhat + ": " + invalid.getMessage(), invalid);
        }
        int parameters = header.readVarInt(true);
        long wanted = codec.parameterCount(shape);
        if (parameters != wanted) {
          throw new WireFormatException(tensorWhat + " carries " + parameters + " quantisation parameters but "
              + codec.label() + " on shape " + shape + " needs " + (wanted < 0 ? "a channel axis" : wanted));
        }
        WireHeaders.checkedLength(5L * parameters, "parameter", header, maxTensorBytes, tensorWhat);
        float[] scales = new float[parameters];
        for (int p = 0; p < parameters; p++) {
          scales[p] = header.readFloat();
        }
        int[] zeroPoints = new int[parameters];
        for (int p = 0; p < parameters; p++) {
          zeroPoints[p] = header.readByte();
        }
        int payload = header.readVarInt(true);
        if (payload < 0 || payload > maxTensorBytes) {
          throw new WireFormatException(tensorWhat + " claims a payload of " + payload + " bytes, outside 0.."
              + maxTensorBytes);
        }
        total += payload;
        if (total > maxFrameBytes) {
          throw new WireFormatException("bulk frame carries more than " + maxFrameBytes + " payload bytes, the limit");
        }
        entries.add(new Entry(name, codec, dataType, shape, scales, zeroPoints, error, payload));
      }
      if (header.position() != length) {
        throw new WireFormatException(what + " has " + (length - header.position()) + " bytes after its "
            + count + " tensors");
      }
      return new Header(List.copyOf(entries), total);
    } catch (KryoException truncated) {
      throw new WireFormatException(what + " of " + length + " bytes is truncated or malformed: "
          + truncated.getMessage(), truncated);
    }
  }

  /**
   * Reads the payloads {@code header} announced, each straight into an array of its own.
   *
   * @throws WireFormatException when a tensor's payload does not fit its header (size for the codec)
   * @throws IOException when the stream fails or ends before the payloads do
   */
  static Map<String, EncodedTensor> readPayloads(DataInputStream in, Header header, ReceiveBuffers receiveBuffers)
      throws IOException {
    Map<String, EncodedTensor> tensors = new LinkedHashMap<>();
    for (Entry entry : header.entries()) {
      int length = entry.payloadBytes();
      // A pooled array when the receiver gives arrays back after use (the executor does, after its run).
      byte[] leased = receiveBuffers.take(length);
      byte[] bytes = leased != null ? leased : new byte[length];
      in.readFully(bytes, 0, length);
      Tensor payload = Tensor.of(DataType.UINT8, List.of((long) length), ByteBuffer.wrap(bytes, 0, length));
      try {
        tensors.put(entry.name(), EncodedTensor.create(entry.codec(), entry.dataType(), entry.shape(), entry.scales(),
            entry.zeroPoints(), payload, entry.error(), leased != null ? receiveBuffers : null, leased));
      } catch (IllegalArgumentException inconsistent) {
        throw new WireFormatException("bulk frame tensor '" + entry.name() + "': " + inconsistent.getMessage(),
            inconsistent);
      }
    }
    return tensors;
  }
}
