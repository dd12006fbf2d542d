package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

final class BulkRequestTest {
  private final BulkRequest request = new BulkRequest(42, "ab".repeat(32), 3, 7, "int8-channel");

  @Test
  void read_ofItsNote_isTheRequestThatWasWritten() {
    assertThat(BulkRequest.read(request.note())).isEqualTo(request);
    BulkRequest same = new BulkRequest(-1, "h", 0, 0, "raw");
    assertThat(BulkRequest.read(same.note())).isEqualTo(same);
  }

  @Test
  void read_truncatedNotes_areRefusedAsTruncated() {
    byte[] note = request.note();
    for (int length : new int[] {0, 1, 8, note.length - 1}) {
      assertThatThrownBy(() -> BulkRequest.read(Arrays.copyOf(note, length)))
          .isInstanceOf(WireFormatException.class)
          .hasMessage("bulk request note of " + length + " bytes is truncated");
    }
  }

  @Test
  void read_aNoteWhoseHashLengthLies_isRefusedAsTruncated() {
    byte[] note = request.note();
    // The model hash's length, after the version and the request id, claims more than the note holds.
    ByteBuffer.wrap(note).putShort(1 + 8, (short) 60_000);
    assertThatThrownBy(() -> BulkRequest.read(note)).isInstanceOf(WireFormatException.class)
        .hasMessage("bulk request note of " + note.length + " bytes is truncated");
  }

  @Test
  void read_notesWithExtraBytesAnotherVersionOrBadFields_areRefusedNamingWhy() {
    byte[] note = request.note();
    byte[] longer = Arrays.copyOf(note, note.length + 3);
    assertThatThrownBy(() -> BulkRequest.read(longer))
        .hasMessage("bulk request note of " + longer.length + " bytes has 3 bytes after its fields");
    byte[] version = note.clone();
    version[0] = 9;
    assertThatThrownBy(() -> BulkRequest.read(version))
        .hasMessage("bulk request note of " + note.length + " bytes has version 9, this build reads 1");
    byte[] backwards = note.clone();
    int fromCutAt = 1 + 8 + 2 + 64;
    ByteBuffer.wrap(backwards).putInt(fromCutAt, 9);
    assertThatThrownBy(() -> BulkRequest.read(backwards)).isInstanceOf(WireFormatException.class)
        .hasMessage("bulk request note of " + note.length + " bytes is invalid: cuts 9..7 are not two cuts in order");
    byte[] emptyHash = new BulkRequest(1, "h", 0, 1, "raw").note();
    emptyHash[1 + 8 + 1] = 0;
    byte[] noHash = new byte[emptyHash.length - 1];
    System.arraycopy(emptyHash, 0, noHash, 0, 1 + 8 + 2);
    System.arraycopy(emptyHash, 1 + 8 + 3, noHash, 1 + 8 + 2, emptyHash.length - (1 + 8 + 3));
    assertThatThrownBy(() -> BulkRequest.read(noHash))
        .hasMessage("bulk request note of " + noHash.length + " bytes is invalid: model hash of 0 bytes, outside 1..256");
    byte[] notUtf = new BulkRequest(1, "h", 0, 1, "raw").note();
    notUtf[1 + 8 + 2] = (byte) 0xff;
    assertThatThrownBy(() -> BulkRequest.read(notUtf))
        .hasMessage("bulk request note of " + notUtf.length + " bytes has a text that is not modified UTF-8");
  }

  @Test
  void create_withCutsOutOfOrderOrAnOverlongHash_isRefusedNamingTheField() {
    assertThatThrownBy(() -> new BulkRequest(1, "h", 2, 1, "raw"))
        .hasMessage("cuts 2..1 are not two cuts in order");
    assertThatThrownBy(() -> new BulkRequest(1, "h".repeat(257), 0, 1, "raw"))
        .hasMessage("model hash of 257 bytes, outside 1..256");
    assertThatThrownBy(() -> new BulkRequest(1, "h", 0, 1, ""))
        .hasMessage("output codec of 0 bytes, outside 1..256");
  }
}
