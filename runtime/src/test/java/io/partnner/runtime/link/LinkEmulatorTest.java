package io.partnner.runtime.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.time.TestingTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

final class LinkEmulatorTest {
  private static final long MS = 1_000_000;
  private static final long S = 1_000_000_000;

  private final TestingTicker ticker = new TestingTicker();

  @Test
  void schedule_constantLink_takesHalfRttPlusBytesOverBandwidth() {
    LinkEmulator link = LinkEmulator.ofConstant(1, 4, Duration.ofMillis(100), ticker);
    // 125 000 bytes = 1 Mbit: one second at 1 Mbit/s, a quarter second at 4 Mbit/s.
    Transfer up = link.schedule(Direction.UP, 125_000, 0);
    assertThat(up).isEqualTo(new Transfer(Direction.UP, 125_000, 0, 0, S + 50 * MS));
    Transfer down = link.schedule(Direction.DOWN, 125_000, 0);
    assertThat(down.finishNanos()).isEqualTo(250 * MS + 50 * MS);
    assertThat(link.schedule(Direction.UP, 0, 3 * S).finishNanos()).isEqualTo(3 * S + 50 * MS);
  }

  @Test
  void schedule_sameDirection_queuesFifoBehindTheLastByteOfTheOneBefore() {
    LinkEmulator link = LinkEmulator.ofConstant(1, 1, Duration.ofMillis(100), ticker);
    Transfer first = link.schedule(Direction.UP, 125_000, 0);
    Transfer second = link.schedule(Direction.UP, 62_500, 200 * MS);
    // The second leaves the sender when the first's last byte has left (1 s), not when it arrives (1.05 s).
    assertThat(second.startNanos()).isEqualTo(S);
    assertThat(second.queuedNanos()).isEqualTo(800 * MS);
    assertThat(second.finishNanos()).isEqualTo(S + 500 * MS + 50 * MS);
    assertThat(second.finishNanos() - first.finishNanos()).isEqualTo(500 * MS);
    // The other direction is a queue of its own.
    assertThat(link.schedule(Direction.DOWN, 125_000, 200 * MS).startNanos()).isEqualTo(200 * MS);
    // Once the queue has drained, a transfer starts when it is handed over.
    Transfer later = link.schedule(Direction.UP, 125_000, 5 * S);
    assertThat(later.startNanos()).isEqualTo(5 * S);
    assertThat(later.latencyNanos()).isEqualTo(S + 50 * MS);
  }

  @Test
  void schedule_acrossABandwidthStep_integratesBothRates() {
    BandwidthTrace trace = BandwidthTrace.parse("step", "t_s,mbps\n0,8\n1,2\n2,2\n");
    LinkEmulator link = LinkEmulator.ofTraces(trace, trace, Duration.ofMillis(20), ticker);
    // 12 Mbit from 0.5 s: 4 Mbit at 8 Mbit/s until 1 s, then 8 Mbit at 2 Mbit/s: 4 s more.
    Transfer transfer = link.schedule(Direction.UP, 1_500_000, 500 * MS);
    assertThat(transfer.finishNanos()).isEqualTo(5 * S + 10 * MS);
    assertThat(link.trueMbps(Direction.UP, 999 * MS)).isEqualTo(8.0);
    assertThat(link.trueMbps(Direction.UP, S)).isEqualTo(2.0);
  }

  @Test
  void schedule_throughAZeroStep_waitsItOut() {
    BandwidthTrace trace = BandwidthTrace.parse("gap", "t_s,mbps\n0,1\n1,0\n2,1\n");
    LinkEmulator link = LinkEmulator.ofTraces(trace, trace, Duration.ZERO, ticker);
    // 1 Mbit from 0.5 s: half before the outage, half after it.
    assertThat(link.schedule(Direction.UP, 125_000, 500 * MS).finishNanos()).isEqualTo(2 * S + 500 * MS);
  }

  @Test
  void schedule_loopedTrace_wrapsAroundItsEnd() {
    BandwidthTrace trace = BandwidthTrace.parse("two", "t_s,mbps\n0,1\n1,3\n").withEnd(TraceEnd.LOOP);
    LinkEmulator link = LinkEmulator.ofTraces(trace, trace, Duration.ZERO, ticker);
    // Duration 2 s. 4 Mbit from 1.5 s: 1.5 Mbit at 3 until 2 s, 1 Mbit at 1 until 3 s, 1.5 Mbit at 3: 0.5 s.
    assertThat(link.schedule(Direction.UP, 500_000, 1500 * MS).finishNanos()).isEqualTo(3 * S + 500 * MS);
    assertThat(link.trueMbps(Direction.UP, 2 * S)).isEqualTo(1.0);
    // Many passes: 400 Mbit is 100 passes of 4 Mbit each.
    assertThat(link.schedule(Direction.DOWN, 50_000_000, 0).finishNanos()).isEqualTo(200 * S);
  }

  @Test
  void schedule_heldTraceEndingAtZero_failsClearly() {
    BandwidthTrace trace = BandwidthTrace.parse("dies", "t_s,mbps\n0,1\n1,0\n");
    LinkEmulator link = LinkEmulator.ofTraces(trace, trace, Duration.ZERO, ticker);
    assertThat(link.schedule(Direction.UP, 62_500, 0).finishNanos()).isEqualTo(500 * MS);
    assertThatThrownBy(() -> link.schedule(Direction.UP, 125_000, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("dies holds 0 Mbit/s from 1.0 s on, so a transfer still sending then never finishes; loop the trace instead");
  }

  @Test
  void ofTraces_allZero_isRejected() {
    BandwidthTrace trace = BandwidthTrace.parse("dead", "t_s,mbps\n0,0\n1,0\n");
    assertThatThrownBy(() -> LinkEmulator.ofTraces(trace, trace, Duration.ZERO, ticker))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("dead: every rate is zero, so nothing could ever cross the emulated link");
  }

  @Test
  void emulator_timeZeroIsTheTickerAtCreation() {
    ticker.advance(Duration.ofSeconds(7));
    LinkEmulator link = LinkEmulator.ofPreset(LinkPreset.LTE, ticker);
    assertThat(link.originNanos()).isEqualTo(7 * S);
    assertThat(link.trueRtt()).isEqualTo(Duration.ofMillis(53));
    assertThat(link.trueMbps(Direction.UP, 7 * S)).isEqualTo(6.0);
    ticker.advance(Duration.ofSeconds(1));
    // 6 Mbit/s: 750 000 bytes take one second.
    Transfer transfer = link.schedule(Direction.UP, 750_000);
    assertThat(transfer.submittedNanos()).isEqualTo(8 * S);
    assertThat(transfer.finishNanos()).isEqualTo(9 * S + Duration.ofMillis(53).toNanos() / 2);
    assertThat(link.toString()).startsWith("emulated link, uplink constant 6.0 Mbit/s");
  }

  @Test
  void schedule_badArguments_areRejected() {
    ticker.advance(Duration.ofSeconds(1));
    LinkEmulator link = LinkEmulator.ofConstant(1, 1, Duration.ofMillis(10), ticker);
    assertThatThrownBy(() -> link.schedule(Direction.UP, -1, S)).hasMessage("a transfer cannot have -1 bytes");
    assertThatThrownBy(() -> link.schedule(Direction.UP, 1, 0))
        .hasMessage("time 0 ns is before the link emulation started at 1000000000 ns");
    assertThatThrownBy(() -> LinkEmulator.ofConstant(0, 1, Duration.ZERO, ticker))
        .hasMessage("a constant link needs a positive finite bandwidth, got 0.0 Mbit/s");
    assertThatThrownBy(() -> LinkEmulator.ofConstant(1, 1, Duration.ofMillis(-1), ticker))
        .hasMessage("link RTT must not be negative, got -1 ms");
  }

  @Test
  void outage_holdsTransfersThatStartOrAreLeavingDuringItAndLetsOthersPass() {
    LinkEmulator link = LinkEmulator.ofConstant(1, 1, Duration.ofMillis(100), ticker);
    link.outage(2 * S, 5 * S);
    // Leaves before the outage: untouched.
    assertThat(link.schedule(Direction.UP, 125_000, 0).finishNanos()).isEqualTo(S + 50 * MS);
    // Starts during it: waits for its end.
    assertThat(link.schedule(Direction.DOWN, 125_000, 3 * S).finishNanos()).isEqualTo(6 * S + 50 * MS);
    // Still leaving when it begins (1.5 s .. 2.5 s): the rest waits 3 s.
    assertThat(link.schedule(Direction.UP, 125_000, 1_500 * MS).finishNanos()).isEqualTo(5_500 * MS + 50 * MS);
    assertThatThrownBy(() -> link.outage(S, S)).hasMessageContaining("must end after it begins");
  }
}
