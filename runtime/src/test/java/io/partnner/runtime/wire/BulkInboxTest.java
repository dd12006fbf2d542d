package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnner.runtime.time.TestingTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class BulkInboxTest {
  private final TestingTicker ticker = new TestingTicker();

  private BulkInbox inbox(long maxHeld, int maxEntries) {
    return new BulkInbox(maxHeld, maxEntries, Duration.ofSeconds(60), ticker);
  }

  @Test
  void reserve_thenRelease_holdsTheBytesUntilTheFrameIsTakenOn() {
    BulkInbox inbox = inbox(100, 8);
    assertThat(inbox.reserve("a", 8)).isNull();
    assertThat(inbox.reserve("b", 2)).isNull();
    assertThat(inbox.heldBytes()).isEqualTo(10);
    assertThat(inbox.entries()).isEqualTo(2);
    inbox.release("a");
    inbox.release("a");
    assertThat(inbox.heldBytes()).isEqualTo(2);
    assertThat(inbox.entries()).isEqualTo(1);
  }

  @Test
  void reserve_overTheByteLimit_isRefusedNamingTheLimitAndItsKey() {
    BulkInbox inbox = inbox(100, 8);
    assertThat(inbox.reserve("a", 60)).isNull();
    assertThat(inbox.reserve("b", 50)).isEqualTo("bulk inbox is full: 60 bytes held, 50 more would pass the limit of "
        + "100 (partnner.bulk.max-held)");
    inbox.release("a");
    assertThat(inbox.reserve("b", 50)).isNull();
  }

  @Test
  void reserve_overTheEntryLimitOrATokenInUse_isRefused() {
    BulkInbox inbox = inbox(100, 2);
    assertThat(inbox.reserve("a", 1)).isNull();
    assertThat(inbox.reserve("a", 1)).isEqualTo("bulk token a is in use");
    assertThat(inbox.reserve("b", 1)).isNull();
    assertThat(inbox.reserve("c", 1)).isEqualTo("bulk inbox tracks 2 frames, its limit");
    assertThat(inbox.heldBytes()).isEqualTo(2);
  }

  @Test
  void expire_afterTheTtl_stopsCountingFramesNeverTakenOn() {
    BulkInbox inbox = inbox(100, 8);
    assertThat(inbox.reserve("a", 70)).isNull();
    ticker.advance(Duration.ofSeconds(30));
    assertThat(inbox.reserve("b", 20)).isNull();
    ticker.advance(Duration.ofSeconds(31));
    inbox.expire();
    assertThat(inbox.heldBytes()).isEqualTo(20);
    // A frame taken on after it expired changes nothing.
    inbox.release("a");
    assertThat(inbox.heldBytes()).isEqualTo(20);
    assertThat(inbox.reserve("c", 80)).isNull();
  }
}
