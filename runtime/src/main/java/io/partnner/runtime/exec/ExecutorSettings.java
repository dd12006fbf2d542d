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
 * @param calibrationRuns runs made piece by piece before the pieces are coarsened
 */
public record ExecutorSettings(int intraOpThreads, double groupFlopShare, long minPieceNanos, int calibrationRuns) {
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
  }

  /** ONNX Runtime's own thread count, dominated cuts grouped, pieces of at least 2 ms after 3 runs. */
  public static ExecutorSettings defaults() {
    return new ExecutorSettings(0, 0.01, 2_000_000, 3);
  }

  /** The same with another thread count. */
  public ExecutorSettings withIntraOpThreads(int threads) {
    return new ExecutorSettings(threads, groupFlopShare, minPieceNanos, calibrationRuns);
  }

  /** The same with another minimum piece length (0 keeps every dominance group its own session). */
  public ExecutorSettings withMinPieceNanos(long nanos) {
    return new ExecutorSettings(intraOpThreads, groupFlopShare, nanos, calibrationRuns);
  }

  /** The same with another dominance share (0 runs every candidate cut as a session boundary). */
  public ExecutorSettings withGroupFlopShare(double share) {
    return new ExecutorSettings(intraOpThreads, share, minPieceNanos, calibrationRuns);
  }
}
