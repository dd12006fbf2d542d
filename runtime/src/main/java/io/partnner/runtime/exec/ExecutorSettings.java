package io.partnner.runtime.exec;

/**
 * How a segment executor runs blocks.
 *
 * @param intraOpThreads threads ONNX Runtime may use inside one operator; 0 lets it choose (one per core)
 * @param groupFlopShare consecutive blocks run as one session when the cuts between them can never
 *     win (a later cut sends no more bytes and at most this share of the model's FLOPs lies between):
 *     fewer sessions, and the Conv-BatchNorm-ReLU fusions stay intact
 * @param minPieceNanos after calibration, blocks are run in pieces of at least about this long, so
 *     that a session call's fixed cost stays a small share of the work it times
 * @param calibrationRuns runs made piece by piece (and once more as one session, to price a piece
 *     boundary) before the pieces are coarsened
 * @param overheadBudget share of a piece's time one piece boundary may cost: pieces are made at least
 *     (measured cost of a boundary) / budget long, and at least {@code minPieceNanos}
 * @param refreshEvery once coarsened, every this many runs one runs piece by piece again, to keep
 *     the per-block times current (0: never)
 * @param rangeSessions once coarsened, at most this many ranges the planner keeps using get a session of
 *     their own ({@link HotRanges}; 0: none); each duplicates the weights of its blocks
 * @param rangeSessionUses a range gets its session once used in this many of the last four times as many runs
 */
public record ExecutorSettings(
    int intraOpThreads,
    double groupFlopShare,
    long minPieceNanos,
    int calibrationRuns,
    double overheadBudget,
    int refreshEvery,
    int rangeSessions,
    int rangeSessionUses) {
  public ExecutorSettings {
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be >= 0, got " + intraOpThreads);
    }
    if (!(groupFlopShare >= 0 && groupFlopShare < 1)) {
      throw new IllegalArgumentException("groupFlopShare must be in [0, 1), got " + groupFlopShare);
    }
    if (minPieceNanos < 0) {
      throw new IllegalArgumentException("minPieceNanos must be >= 0, got " + minPieceNanos);
    }
    if (calibrationRuns < 1) {
      throw new IllegalArgumentException("calibrationRuns must be >= 1, got " + calibrationRuns);
    }
    if (refreshEvery < 0) {
      throw new IllegalArgumentException("refreshEvery must be >= 0, got " + refreshEvery);
    }
    if (rangeSessions < 0) {
      throw new IllegalArgumentException("rangeSessions must be >= 0, got " + rangeSessions);
    }
    if (rangeSessionUses < 1) {
      throw new IllegalArgumentException("rangeSessionUses must be >= 1, got " + rangeSessionUses);
    }
    if (!(overheadBudget > 0 && overheadBudget <= 1)) {
      throw new IllegalArgumentException("overheadBudget must be in (0, 1], got " + overheadBudget);
    }
  }

  /**
   * ONNX Runtime's own thread count, dominated cuts grouped, and after 3 calibration runs pieces of at
   * least 2 ms and long enough that a boundary costs at most 2% of a piece; block times refreshed
   * piece by piece every 50 runs; sessions of their own for two ranges, each used in 4 of the last 16 runs.
   */
  public static ExecutorSettings defaults() {
    return new ExecutorSettings(0, 0.01, 2_000_000, 3, 0.02, 50, 2, 4);
  }

  /** True when hot ranges get sessions of their own. */
  public boolean keepsRangeSessions() {
    return coarsens() && rangeSessions > 0;
  }

  /** True when pieces are merged after calibration. */
  public boolean coarsens() {
    return minPieceNanos > 0;
  }

  /** The same with another thread count. */
  public ExecutorSettings withIntraOpThreads(int threads) {
    return new ExecutorSettings(threads, groupFlopShare, minPieceNanos, calibrationRuns, overheadBudget, refreshEvery,
        rangeSessions, rangeSessionUses);
  }

  /** The same without coarsening: every dominance group stays its own session, and no range gets one. */
  public ExecutorSettings uncoarsened() {
    return new ExecutorSettings(intraOpThreads, groupFlopShare, 0, calibrationRuns, 1.0, 0, 0, rangeSessionUses);
  }

  /** The same with another minimum piece length. */
  public ExecutorSettings withMinPieceNanos(long nanos) {
    return new ExecutorSettings(intraOpThreads, groupFlopShare, nanos, calibrationRuns, overheadBudget, refreshEvery,
        rangeSessions, rangeSessionUses);
  }

  /** The same with another dominance share (0 runs every candidate cut as a session boundary). */
  public ExecutorSettings withGroupFlopShare(double share) {
    return new ExecutorSettings(intraOpThreads, share, minPieceNanos, calibrationRuns, overheadBudget, refreshEvery,
        rangeSessions, rangeSessionUses);
  }

  /** The same with another number of range sessions (0: none) and uses before a range gets one. */
  public ExecutorSettings withRangeSessions(int sessions, int uses) {
    return new ExecutorSettings(intraOpThreads, groupFlopShare, minPieceNanos, calibrationRuns, overheadBudget,
        refreshEvery, sessions, uses);
  }
}
