package io.partnner.runtime.plan;

import io.partnner.runtime.link.Direction;
import java.util.List;

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

  /** A request answered end to end under {@code plan}. */
  record RequestCompleted(Plan plan, long latencyNanos, long atNanos) implements Observation {}
}
