package io.partnner.runtime.wire;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a receiver sent back on the bulk lane for a request: the application's note (its answer without the
 * tensors) and the tensors, in the order they were sent.
 */
public record BulkReply(byte[] note, Map<String, EncodedTensor> tensors) {
  public BulkReply {
    note = note.clone();
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
  }

  /** A copy of the note. */
  @Override
  public byte[] note() {
    return note.clone();
  }
}
