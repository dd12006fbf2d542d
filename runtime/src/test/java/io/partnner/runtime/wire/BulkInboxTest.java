package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.time.TestingTicker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

final class BulkInboxTest {
  private final TestingTicker ticker = new TestingTicker();
  private final BulkDelivery tensors = new BulkDelivery("a",
      Map.of("h", WireCodecs.byName("raw").encode(Tensor.ofFloats(List.of(1L, 2L), new float[] {1, 2}))),
      new BulkDelivery.Channel() {
        @Override
        public void acknowledge(String token, int queueLength, long meanServiceNanos) {}

        @Override
        public void reply(String token, byte[] note, Map<String, EncodedTensor> tensors) {}
      });

  private BulkInbox inbox(long maxHeld, int maxEntries) {
    return new BulkInbox(maxHeld, maxEntries, Duration.ofSeconds(60), Duration.ofSeconds(10), ticker);
  }

  private static String failure(CompletableFuture<?> claim) {
    assertThat(claim).isCompletedExceptionally();
    try {
      claim.get();
      throw new AssertionError("not failed");
    } catch (ExecutionException failed) {
      assertThat(failed.getCause()).isInstanceOf(WireFormatException.class);
      return failed.getCause().getMessage();
    } catch (InterruptedException interrupted) {
      throw new AssertionError(interrupted);
    }
  }

  @Test
  void claim_tensorsArrivedFirst_completesAtOnceAndReleasesTheBytes() {
    BulkInbox inbox = inbox(100, 8);
    assertThat(inbox.reserve("a", 8)).isNull();
    assertThat(inbox.heldBytes()).isEqualTo(8);
    inbox.arrived("a", tensors);
    CompletableFuture<BulkDelivery> claim = inbox.claim("a");
    assertThat(claim).isCompletedWithValue(tensors);
    assertThat(inbox.heldBytes()).isZero();
    assertThat(inbox.entries()).isZero();
  }

  @Test
  void claim_cameFirst_completesWhenTheTensorsArrive() {
    BulkInbox inbox = inbox(100, 8);
    CompletableFuture<BulkDelivery> claim = inbox.claim("a");
    assertThat(claim).isNotDone();
    assertThat(inbox.reserve("a", 8)).isNull();
    assertThat(claim).isNotDone();
    inbox.arrived("a", tensors);
    assertThat(claim).isCompletedWithValue(tensors);
    assertThat(inbox.heldBytes()).isZero();
    assertThat(inbox.entries()).isZero();
  }

  @Test
  void expire_unclaimedTensorsAfterTheTtl_areDroppedAndALateClaimWaitsThenFails() {
    BulkInbox inbox = inbox(100, 8);
    inbox.reserve("a", 8);
    inbox.arrived("a", tensors);
    ticker.advance(Duration.ofSeconds(61));
    inbox.expire();
    assertThat(inbox.heldBytes()).isZero();
    assertThat(inbox.entries()).isZero();
    CompletableFuture<BulkDelivery> late = inbox.claim("a");
    ticker.advance(Duration.ofSeconds(9));
    inbox.expire();
    assertThat(late).isNotDone();
    ticker.advance(Duration.ofSeconds(2));
    inbox.expire();
    assertThat(failure(late)).isEqualTo("no tensors arrived on the bulk lane under token a within 10000 ms");
    assertThat(inbox.entries()).isZero();
  }

  @Test
  void reserve_overTheByteLimit_refusesAndTheClaimFailsWithTheReason() {
    BulkInbox inbox = inbox(100, 8);
    assertThat(inbox.reserve("a", 60)).isNull();
    CompletableFuture<BulkDelivery> waiting = inbox.claim("b");
    String refusal = inbox.reserve("b", 60);
    assertThat(refusal).isEqualTo("bulk inbox is full: 60 bytes held, 60 more would pass the limit of 100 "
        + "(partnner.bulk.max-held)");
    assertThat(failure(waiting)).isEqualTo(refusal);
    assertThat(inbox.reserve("c", 41)).startsWith("bulk inbox is full");
    assertThat(failure(inbox.claim("c"))).startsWith("bulk inbox is full");
    assertThat(inbox.heldBytes()).isEqualTo(60);
  }

  @Test
  void failed_aFrameBrokenMidway_failsItsClaimAndReleasesItsBytes() {
    BulkInbox inbox = inbox(100, 8);
    CompletableFuture<BulkDelivery> claim = inbox.claim("a");
    inbox.reserve("a", 50);
    inbox.failed("a", "the stream from peer ended in the middle of a frame");
    assertThat(failure(claim)).isEqualTo("the stream from peer ended in the middle of a frame");
    assertThat(inbox.heldBytes()).isZero();
    inbox.reserve("b", 50);
    inbox.failed("b", "truncated");
    assertThat(failure(inbox.claim("b"))).isEqualTo("truncated");
    assertThat(inbox.entries()).isZero();
  }

  @Test
  void reserveAndClaim_aTokenUsedTwice_areRefused() {
    BulkInbox inbox = inbox(100, 8);
    inbox.reserve("a", 8);
    assertThat(inbox.reserve("a", 8)).isEqualTo("bulk token a was already used");
    CompletableFuture<BulkDelivery> first = inbox.claim("a");
    assertThat(failure(inbox.claim("a"))).isEqualTo("bulk token a was claimed already");
    inbox.arrived("a", tensors);
    assertThat(first).isCompletedWithValue(tensors);
    assertThat(inbox.heldBytes()).isZero();
  }

  @Test
  void claim_pastTheEntryLimit_failsAtOnce() {
    BulkInbox inbox = inbox(100, 2);
    inbox.claim("a");
    inbox.claim("b");
    assertThat(failure(inbox.claim("c"))).isEqualTo("bulk inbox tracks 2 tokens, its limit; request with token c refused");
    assertThat(inbox.reserve("d", 1)).isEqualTo("bulk inbox tracks 2 tokens, its limit");
    assertThat(inbox.entries()).isEqualTo(2);
  }
}
