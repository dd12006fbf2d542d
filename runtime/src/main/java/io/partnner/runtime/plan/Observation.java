package io.partnner.runtime.plan;

import io.partnner.runtime.link.Direction;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What a strategy learns from: only what the live system observes while serving (block times,
 * transfer timings, executors' load reports), never the emulated settings behind them.
 */
public sealed interface Observation {
  /** When it was observed, on the edge's ticker. */
  long atNanos();

  /** One side ran the blocks from cut {@code fromCut} on and timed each of them. */
  record BlocksTimed(Side side, int fromCut, List<Long> blockNanos, long atNanos) implements Observation {
    public BlocksTimed {
      blockNanos = List.copyOf(blockNanos);
    }
  }

  /** A transfer the edge made or received: its bytes, when it was sent and when it completed. */
  record TransferTimed(Direction direction, long bytes, long sentNanos, long completedNanos) implements Observation {
    @Override
    public long atNanos() {
      return completedNanos;
    }
  }

  /** A cloud executor's report of its queue and recent service time. */
  record LoadReported(String executorId, int queueLength, long meanServiceNanos, long atNanos)
      implements Observation {}

  /**
   * A request sent to the cloud under {@code plan} got no answer by its deadline ({@link CloudDeadline}), so the
   * edge took it back and finishes it itself; a late answer is ignored.
   *
   * @param bytes bytes of the crossing handed to the link
   * @param sentNanos when the crossing was handed to the link
   * @param ackedNanos when the cloud's receipt of the crossing came back, if it did: without one the uplink
   *     is what was slow, with one the cloud or the way back
   * @param atNanos when the deadline passed
   */
  record CloudOverdue(Plan plan, long bytes, long sentNanos, OptionalLong ackedNanos, long atNanos)
      implements Observation {
    public CloudOverdue {
      Objects.requireNonNull(plan, "plan");
      Objects.requireNonNull(ackedNanos, "ackedNanos");
      if (bytes < 0 || atNanos < sentNanos) {
        throw new IllegalArgumentException("an overdue request needs bytes >= 0 and a deadline after its send time, got "
            + bytes + " bytes sent at " + sentNanos + " ns, overdue at " + atNanos + " ns");
      }
    }
  }

  /** A request answered end to end under {@code plan}. */
  record RequestCompleted(Plan plan, long latencyNanos, long atNanos) implements Observation {}
}
