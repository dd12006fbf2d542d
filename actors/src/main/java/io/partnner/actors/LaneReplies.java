package io.partnner.actors;

import io.partnner.runtime.wire.EncodedTensor;
import io.partnner.runtime.wire.WireFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link SegmentExecutorActor.Done} as it goes back on the bulk lane: its fields but the outputs as the reply's
 * note, the outputs as the reply's tensors. Note format: version, request id, executor id (UTF), cuts, block times
 * (count then each), queue, service and encode nanoseconds, queue length, mean service nanoseconds.
 */
final class LaneReplies {
  private static final int VERSION = 1;
  private static final int MAX_BLOCKS = 65_536;

  private LaneReplies() {}

  /** The note for {@code done}. */
  static byte[] note(SegmentExecutorActor.Done done) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + 8 * done.blockNanos().size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      out.writeLong(done.requestId());
      out.writeUTF(done.executorId());
      out.writeInt(done.fromCut());
      out.writeInt(done.toCut());
      out.writeInt(done.blockNanos().size());
      for (long nanos : done.blockNanos()) {
        out.writeLong(nanos);
      }
      out.writeLong(done.queueNanos());
      out.writeLong(done.serviceNanos());
      out.writeLong(done.encodeNanos());
      out.writeInt(done.queueLength());
      out.writeLong(done.meanServiceNanos());
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return bytes.toByteArray();
  }

  /**
   * The Done a reply carries.
   *
   * @throws WireFormatException naming what is wrong when the note is not one
   */
  static SegmentExecutorActor.Done done(byte[] note, Map<String, EncodedTensor> outputs) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(note))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new WireFormatException("bulk reply note has version " + version + ", this build reads " + VERSION);
      }
      long requestId = in.readLong();
      String executorId = in.readUTF();
      int fromCut = in.readInt();
      int toCut = in.readInt();
      int blocks = in.readInt();
      if (blocks < 0 || blocks > MAX_BLOCKS) {
        throw new WireFormatException("bulk reply note claims " + blocks + " block times, outside 0.." + MAX_BLOCKS);
      }
      List<Long> blockNanos = new ArrayList<>(blocks);
      for (int i = 0; i < blocks; i++) {
        blockNanos.add(in.readLong());
      }
      SegmentExecutorActor.Done done = new SegmentExecutorActor.Done(requestId, executorId, fromCut, toCut, outputs,
          blockNanos, in.readLong(), in.readLong(), in.readLong(), in.readInt(), in.readLong());
      if (in.available() > 0) {
        throw new WireFormatException("bulk reply note has " + in.available() + " bytes after its fields");
      }
      return done;
    } catch (IOException truncated) {
      throw new WireFormatException("bulk reply note of " + note.length + " bytes is truncated", truncated);
    }
  }
}
