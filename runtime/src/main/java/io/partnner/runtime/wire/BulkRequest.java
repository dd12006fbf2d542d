package io.partnner.runtime.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a bulk frame asks of the node it goes to, carried in the frame itself (its note) so the request needs no
 * message beside it: run the blocks of the model with content hash {@code modelHash} from cut {@code fromCut} to cut
 * {@code toCut} on the frame's tensors, and encode the tensors crossing {@code toCut} with {@code outputCodec}.
 *
 * <p>Note format: byte version, long request id, UTF model hash, int from cut, int to cut, UTF output codec
 * ({@link DataOutputStream#writeUTF}); nothing after.
 */
public record BulkRequest(long requestId, String modelHash, int fromCut, int toCut, String outputCodec) {
  static final int VERSION = 1;
  /** Longest model hash or codec name, in UTF-8 bytes: a peer cannot make a receiver hold more. */
  static final int MAX_TEXT_BYTES = 256;

  /** @throws IllegalArgumentException naming the field when a hash or codec is empty or too long, or the cuts are not in order */
  public BulkRequest {
    Objects.requireNonNull(modelHash, "modelHash");
    Objects.requireNonNull(outputCodec, "outputCodec");
    checkText("model hash", modelHash);
    checkText("output codec", outputCodec);
    if (fromCut < 0 || fromCut > toCut) {
      throw new IllegalArgumentException("cuts " + fromCut + ".." + toCut + " are not two cuts in order");
    }
  }

  private static void checkText(String what, String text) {
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    if (bytes == 0 || bytes > MAX_TEXT_BYTES) {
      throw new IllegalArgumentException(what + " of " + bytes + " bytes, outside 1.." + MAX_TEXT_BYTES);
    }
  }

  /** The note this request travels as. */
  byte[] note() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + modelHash.length() + outputCodec.length());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeLong(requestId);
      out.writeUTF(modelHash);
      out.writeInt(fromCut);
      out.writeInt(toCut);
      out.writeUTF(outputCodec);
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return bytes.toByteArray();
  }

  /**
   * The request {@code note} carries.
   *
   * @throws WireFormatException naming what is wrong: another version, a truncated note or one with bytes after its
   *     fields, a text that is not modified UTF-8, a field out of bounds
   */
  static BulkRequest read(byte[] note) {
    String what = "bulk request note of " + note.length + " bytes";
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(note))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new WireFormatException(what + " has version " + version + ", this build reads " + VERSION);
      }
      long requestId = in.readLong();
      String modelHash = in.readUTF();
      int fromCut = in.readInt();
      int toCut = in.readInt();
      String outputCodec = in.readUTF();
      if (in.available() > 0) {
        throw new WireFormatException(what + " has " + in.available() + " bytes after its fields");
      }
      try {
        return new BulkRequest(requestId, modelHash, fromCut, toCut, outputCodec);
      } catch (IllegalArgumentException invalid) {
        throw new WireFormatException(what + " is invalid: " + invalid.getMessage(), invalid);
      }
    } catch (UTFDataFormatException notUtf) {
      throw new WireFormatException(what + " has a text that is not modified UTF-8", notUtf);
    } catch (IOException truncated) {
      // Also a text whose length claims more bytes than the note has left.
      throw new WireFormatException(what + " is truncated", truncated);
    }
  }
}
