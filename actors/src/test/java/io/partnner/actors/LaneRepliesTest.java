package io.partnner.actors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.wire.EncodedTensor;
import io.partnner.runtime.wire.WireCodecs;
import io.partnner.runtime.wire.WireFormatException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class LaneRepliesTest {
  private final Map<String, EncodedTensor> outputs =
      Map.of("y", WireCodecs.byName("raw").encode(TestingModel.input(1, 2, 3, 4)));
  private final SegmentExecutorActor.Done done = new SegmentExecutorActor.Done(42, "pekko://partnner@10.0.0.2:25520/x",
      2, 3, outputs, List.of(11L, 12L), 100, 200, 30, 4, 5000);

  @Test
  void done_fromItsNote_isTheDoneThatWasSent() {
    assertThat(LaneReplies.done(LaneReplies.note(done), outputs)).isEqualTo(done);
  }

  @Test
  void done_fromATruncatedOrLyingNote_isRefusedWithTheReason() {
    byte[] note = LaneReplies.note(done);
    assertThatThrownBy(() -> LaneReplies.done(Arrays.copyOf(note, note.length - 3), outputs))
        .isInstanceOf(WireFormatException.class).hasMessageContaining("is truncated");
    byte[] longer = Arrays.copyOf(note, note.length + 2);
    assertThatThrownBy(() -> LaneReplies.done(longer, outputs)).hasMessage("bulk reply note has 2 bytes after its fields");
    byte[] version = note.clone();
    version[0] = 9;
    assertThatThrownBy(() -> LaneReplies.done(version, outputs)).hasMessage("bulk reply note has version 9, this build reads 1");
  }
}
