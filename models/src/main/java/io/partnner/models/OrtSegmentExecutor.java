package io.partnner.models;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.partnner.runtime.exec.BlockGrouping;
import io.partnner.runtime.exec.DevicePacer;
import io.partnner.runtime.exec.ExecutorSettings;
import io.partnner.runtime.exec.HotRanges;
import io.partnner.runtime.exec.SegmentExecutor;
import io.partnner.runtime.exec.SegmentResult;
import io.partnner.runtime.model.TensorSpec;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.time.Ticker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs ranges of blocks in ONNX Runtime. Each piece between grouping boundaries is its own session,
 * created once and cached; values pass from one piece to the next as ONNX Runtime values, without a
 * copy, and only the range's results are copied out. A piece's time (its pacing for an emulated
 * device included) is shared among its blocks by their FLOPs.
 *
 * <p>The first runs use the fine grouping (every cut that could win), calibrate a time per block,
 * and run the same range once more as one session to price a piece boundary: a call's fixed cost,
 * and the layout reorders ONNX Runtime adds at every session edge (it computes convolutions in a
 * blocked layout inside a session and converts back at its outputs). After that, pieces are merged
 * until a boundary costs at most {@link ExecutorSettings#overheadBudget()} of a piece. A range the planner
 * keeps using then gets a session of its own ({@link HotRanges}), built on a background thread while its runs go
 * on in pieces: the plan in force runs as plain ONNX Runtime would run it, its time shared among its blocks in
 * proportion to their calibrated times.
 */
public final class OrtSegmentExecutor implements SegmentExecutor {
  private static final System.Logger LOG = System.getLogger(OrtSegmentExecutor.class.getName());

  private record Piece(OrtSession session, List<TensorSpec> inputs, List<String> outputs) {}

  private final PartitionedModel model;
  private final ExecutorSettings settings;
  private final BlockGrouping fineGrouping;
  private volatile BlockGrouping grouping;
  private final BlockGrouping singleGrouping;
  private final double[] calibratedNanos;
  private final List<Double> boundaryCosts = new ArrayList<>();
  private int calibrationRuns;
  private final java.util.concurrent.locks.ReentrantLock calibrationLock = new java.util.concurrent.locks.ReentrantLock();
  private final java.util.concurrent.atomic.AtomicLong runs = new java.util.concurrent.atomic.AtomicLong();
  private final DevicePacer pacer;
  private final Ticker ticker;
  private final Map<Long, Piece> pieces = new ConcurrentHashMap<>();
  private final List<Double> blockFlops;
  private final int lastCut;
  private volatile boolean closed;
  /** Runs share it; closing sessions that coarsening made idle takes it exclusively. */
  private final java.util.concurrent.locks.ReentrantReadWriteLock sessionsLock =
      new java.util.concurrent.locks.ReentrantReadWriteLock();
  private volatile boolean idleSessions;
  private final HotRanges hotRanges;
  /** Builds range sessions; started on first use. */
  private java.util.concurrent.ExecutorService builder;
  private java.util.concurrent.CompletableFuture<Void> lastBuild = java.util.concurrent.CompletableFuture.completedFuture(null);

  /** An executor for {@code model} pacing blocks with {@code pacer} and timing them with {@code ticker}. */
  public OrtSegmentExecutor(PartitionedModel model, ExecutorSettings settings, DevicePacer pacer, Ticker ticker) {
    this.model = model;
    this.settings = settings;
    this.fineGrouping = BlockGrouping.of(model.profile(), settings);
    this.grouping = fineGrouping;
    this.singleGrouping = BlockGrouping.single(model.profile().cuts().size() - 1);
    this.calibratedNanos = new double[model.profile().blockCount()];
    java.util.Arrays.fill(calibratedNanos, Double.NaN);
    this.pacer = pacer;
    this.ticker = ticker;
    this.blockFlops = model.profile().blockFlops();
    this.lastCut = model.profile().cuts().size() - 1;
    this.hotRanges = new HotRanges(settings.keepsRangeSessions() ? settings.rangeSessions() : 0,
        settings.rangeSessionUses());
  }

  @Override
  public SegmentResult run(int fromCut, int toCut, Map<String, Tensor> inputs) {
    sessionsLock.readLock().lock();
    try {
      return runLocked(fromCut, toCut, inputs);
    } finally {
      sessionsLock.readLock().unlock();
      if (idleSessions) {
        closeIdleSessions();
      }
    }
  }

  /** Closes the sessions of pieces the current grouping no longer uses, once no run holds them. */
  private void closeIdleSessions() {
    if (!sessionsLock.writeLock().tryLock()) {
      return;
    }
    try {
      if (!idleSessions) {
        return;
      }
      java.util.Set<Long> used = new java.util.HashSet<>();
      addPieces(used, grouping);
      if (settings.refreshEvery() > 0) {
        // Refresh runs go piece by piece again; their sessions stay rather than being rebuilt each time.
        addPieces(used, fineGrouping);
      }
      pieces.entrySet().removeIf(entry -> {
        if (used.contains(entry.getKey())
            || hotRanges.isKept((int) (entry.getKey() >>> 32), (int) (long) entry.getKey())) {
          return false;
        }
        closeQuietly(entry.getValue().session());
        return true;
      });
      idleSessions = false;
    } finally {
      sessionsLock.writeLock().unlock();
    }
  }

  private static void addPieces(java.util.Set<Long> keys, BlockGrouping pieceGrouping) {
    int[] boundaries = pieceGrouping.boundaries();
    for (int i = 1; i < boundaries.length; i++) {
      keys.add(key(boundaries[i - 1], boundaries[i]));
    }
  }

  private static long key(int fromCut, int toCut) {
    return ((long) fromCut << 32) | toCut;
  }

  private SegmentResult runLocked(int fromCut, int toCut, Map<String, Tensor> inputs) {
    if (closed) {
      throw new IllegalStateException("executor for model " + model.model().name() + " is closed");
    }
    if (fromCut < 0 || toCut > lastCut || fromCut > toCut) {
      throw new IllegalArgumentException("blocks from cut " + fromCut + " to cut " + toCut
          + " are out of range: model " + model.model().name() + " has cuts 0.." + lastCut);
    }
    long start = ticker.nanos();
    if (fromCut == toCut) {
      return new SegmentResult(Map.of(), List.of(), 0);
    }
    checkInputs(fromCut, toCut, inputs);
    long run = runs.getAndIncrement();
    // One calibration at a time (concurrent ones would time each other's contention), counted by the
    // calibrations that completed, so a failed run does not use one up.
    boolean calibrating = settings.coarsens() && calibrationsCompleted() < settings.calibrationRuns()
        && calibrationLock.tryLock();
    boolean refreshing = settings.coarsens() && !calibrating && settings.refreshEvery() > 0
        && run % settings.refreshEvery() == 0;
    BlockGrouping pieceGrouping = calibrating || refreshing ? fineGrouping : grouping;
    if (settings.keepsRangeSessions() && grouping.piecesBetween(fromCut, toCut).size() > 1) {
      // Calibration and refresh runs count too (a calibration leaves the range's session behind), but go in pieces.
      HotRanges.Use use = hotRanges.use(fromCut, toCut);
      if (use == HotRanges.Use.AS_ONE && !calibrating && !refreshing) {
        pieceGrouping = singleGrouping;
      } else if (use == HotRanges.Use.BUILD) {
        buildRangeSession(fromCut, toCut);
      }
    }
    long[] blockNanos = new long[toCut - fromCut];
    Map<String, Tensor> outputs;
    try {
      outputs = execute(fromCut, toCut, inputs, pieceGrouping, blockNanos);
    } catch (RuntimeException e) {
      if (calibrating) {
        calibrationLock.unlock();
      }
      throw e;
    }
    long total = ticker.nanos() - start;
    if (calibrating) {
      try {
        // The same range as one session prices what the piece boundaries cost.
        long singleStart = ticker.nanos();
        execute(fromCut, toCut, inputs, singleGrouping, new long[toCut - fromCut]);
        long single = ticker.nanos() - singleStart;
        calibrate(fromCut, blockNanos, total - single, fineGrouping.boundariesInside(fromCut, toCut));
      } finally {
        calibrationLock.unlock();
      }
    } else if (refreshing) {
      refresh(fromCut, blockNanos);
    }
    List<Long> times = new ArrayList<>(blockNanos.length);
    for (long nanos : blockNanos) {
      times.add(nanos);
    }
    return new SegmentResult(outputs, times, total);
  }

  /** Runs the range piece by piece under {@code pieceGrouping}, filling {@code blockNanos}. */
  private Map<String, Tensor> execute(
      int fromCut, int toCut, Map<String, Tensor> inputs, BlockGrouping pieceGrouping, long[] blockNanos) {
    Map<String, OnnxValue> available = new HashMap<>();
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      for (int[] range : pieceGrouping.piecesBetween(fromCut, toCut)) {
        Piece piece = piece(range[0], range[1]);
        Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
        for (TensorSpec input : piece.inputs()) {
          OnnxValue value = available.get(input.name());
          if (value == null) {
            OnnxTensor converted = OrtSupport.toOrt(inputs.get(input.name()), input.name());
            opened.add(converted);
            available.put(input.name(), converted);
            value = converted;
          }
          feeds.put(input.name(), (OnnxTensor) value);
        }
        long before = ticker.nanos();
        OrtSession.Result result = piece.session().run(feeds);
        opened.add(result);
        pacer.afterBlock(ticker.nanos() - before);
        // The piece's time as the device would see it: its work and the emulated extra.
        attribute(blockNanos, fromCut, range[0], range[1], ticker.nanos() - before);
        for (Map.Entry<String, OnnxValue> entry : result) {
          available.put(entry.getKey(), entry.getValue());
        }
      }
      Map<String, Tensor> outputs = new LinkedHashMap<>();
      for (String name : model.segmentOutputs(fromCut, toCut)) {
        Tensor value = OrtSupport.fromOrt(available.get(name));
        if (value != null) {
          outputs.put(name, value);
        }
      }
      return outputs;
    } catch (OrtException e) {
      throw new ModelException("model " + model.model().name() + ": ONNX Runtime failed on blocks from cut "
          + fromCut + " to cut " + toCut + ": " + OrtSupport.firstLine(e.getMessage()), e);
    } finally {
      for (AutoCloseable value : opened) {
        try {
          value.close();
        } catch (Exception ignored) {
          // Native memory is freed on close; a failure here leaves nothing to undo.
        }
      }
    }
  }

  private void checkInputs(int fromCut, int toCut, Map<String, Tensor> inputs) {
    List<String> graphInputs = model.profile().inputs().stream().map(TensorSpec::name).toList();
    for (TensorSpec wanted : model.segmentInputs(fromCut, toCut)) {
      Tensor given = inputs.get(wanted.name());
      if (given == null) {
        throw new IllegalArgumentException("blocks from cut " + fromCut + " to cut " + toCut + " of model "
            + model.model().name() + " need tensor '" + wanted.name() + "', which was not given");
      }
      if (given.dataType() != wanted.dataType()) {
        throw new IllegalArgumentException("tensor '" + wanted.name() + "': expected " + wanted.dataType().label()
            + ", got " + given.dataType().label());
      }
      boolean fixed = graphInputs.contains(wanted.name());
      if (given.shape().size() != wanted.shape().size() || (fixed && !given.shape().equals(wanted.shape()))) {
        throw new IllegalArgumentException("tensor '" + wanted.name() + "': expected shape " + wanted.shape()
            + ", got " + given.shape());
      }
    }
  }

  /**
   * Folds a fine-grained run into the per-block times and the price of one piece boundary; after
   * enough runs, coarsens the pieces so that a boundary costs at most the budgeted share of a piece.
   */
  private synchronized void calibrate(int fromCut, long[] blockNanos, long boundariesNanos, int boundaries) {
    for (int i = 0; i < blockNanos.length; i++) {
      double previous = calibratedNanos[fromCut + i];
      calibratedNanos[fromCut + i] = Double.isNaN(previous) ? blockNanos[i] : Math.min(previous, blockNanos[i]);
    }
    if (boundaries > 0) {
      boundaryCosts.add(Math.max(0.0, (double) boundariesNanos / boundaries));
    }
    if (++calibrationRuns >= settings.calibrationRuns() && settings.minPieceNanos() > 0) {
      double boundaryCost = boundaryCosts.isEmpty() ? 0
          : boundaryCosts.stream().sorted().toList().get(boundaryCosts.size() / 2);
      long minPiece = Math.max(settings.minPieceNanos(), Math.round(boundaryCost / settings.overheadBudget()));
      grouping = fineGrouping.coarsen(calibratedNanos, minPiece);
      idleSessions = true;
    }
  }

  private synchronized int calibrationsCompleted() {
    return calibrationRuns;
  }

  /** Folds a piece-by-piece run made to keep the per-block times current. */
  private synchronized void refresh(int fromCut, long[] blockNanos) {
    for (int i = 0; i < blockNanos.length; i++) {
      double previous = calibratedNanos[fromCut + i];
      calibratedNanos[fromCut + i] = Double.isNaN(previous) ? blockNanos[i] : 0.7 * previous + 0.3 * blockNanos[i];
    }
  }

  /**
   * Shares a piece's time among its blocks: in proportion to their calibrated times when all are
   * known (measured piece by piece), else to their FLOPs (evenly if they have none).
   */
  private void attribute(long[] blockNanos, int fromCut, int start, int end, long nanos) {
    double[] weights = new double[end - start];
    double total = 0;
    boolean measured = true;
    synchronized (this) {
      for (int block = start; block < end; block++) {
        measured &= !Double.isNaN(calibratedNanos[block]);
      }
      for (int block = start; block < end; block++) {
        weights[block - start] = measured ? calibratedNanos[block] : blockFlops.get(block);
        total += weights[block - start];
      }
    }
    for (int block = start; block < end; block++) {
      double share = total > 0 ? weights[block - start] / total : 1.0 / (end - start);
      blockNanos[block - fromCut] += Math.round(nanos * share);
    }
  }

  /**
   * Gives {@code [fromCut, toCut)} a session of its own: at once if calibration left one, else built on the
   * background thread (runs hold the sessions lock for reading, so closing waits for a build under way).
   */
  private void buildRangeSession(int fromCut, int toCut) {
    if (pieces.containsKey(key(fromCut, toCut))) {
      retire(hotRanges.built(fromCut, toCut));
      return;
    }
    synchronized (this) {
      if (builder == null) {
        builder = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
          Thread thread = new Thread(task, "partnner-range-sessions " + model.model().name());
          thread.setDaemon(true);
          return thread;
        });
      }
      if (builder.isShutdown()) {
        // Closing: the range keeps running in pieces until then.
        return;
      }
      lastBuild = java.util.concurrent.CompletableFuture.runAsync(() -> {
        sessionsLock.readLock().lock();
        try {
          if (closed) {
            return;
          }
          piece(fromCut, toCut);
          retire(hotRanges.built(fromCut, toCut));
        } catch (RuntimeException refused) {
          hotRanges.refused(fromCut, toCut);
          LOG.log(System.Logger.Level.WARNING, "model " + model.model().name() + ": blocks from cut " + fromCut
              + " to cut " + toCut + " keep running in pieces, their own session failed: " + refused.getMessage());
        } finally {
          sessionsLock.readLock().unlock();
        }
        if (idleSessions) {
          closeIdleSessions();
        }
      }, builder);
    }
  }

  private void retire(List<int[]> dropped) {
    if (!dropped.isEmpty()) {
      idleSessions = true;
    }
  }

  /** Completes when the range sessions asked for so far are built (or refused). */
  synchronized java.util.concurrent.CompletableFuture<Void> rangeSessionsBuilt() {
    return lastBuild;
  }

  /** True when blocks {@code [fromCut, toCut)} run as one session of their own. */
  boolean runsAsOneSession(int fromCut, int toCut) {
    return hotRanges.isReady(fromCut, toCut);
  }

  /** True when a session for exactly blocks {@code [fromCut, toCut)} is open. */
  boolean hasSession(int fromCut, int toCut) {
    return pieces.containsKey(key(fromCut, toCut));
  }

  /** Number of pieces {@code [fromCut, toCut)} runs in when it has no session of its own. */
  int piecesIn(int fromCut, int toCut) {
    return grouping.piecesBetween(fromCut, toCut).size();
  }

  private Piece piece(int fromCut, int toCut) {
    return pieces.computeIfAbsent(key(fromCut, toCut), k -> {
      String what = "blocks from cut " + fromCut + " to cut " + toCut + " of model " + model.model().name();
      OrtSession session = OrtSupport.open(model.segment(fromCut, toCut), what, settings.intraOpThreads(), false);
      return new Piece(session, model.segmentInputs(fromCut, toCut), model.segmentOutputs(fromCut, toCut));
    });
  }

  /** Number of sessions created so far. */
  public int sessionCount() {
    return pieces.size();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (builder != null) {
        builder.shutdown();
      }
    }
    sessionsLock.writeLock().lock();
    try {
      closed = true;
      pieces.values().forEach(piece -> closeQuietly(piece.session()));
      pieces.clear();
    } finally {
      sessionsLock.writeLock().unlock();
    }
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException ignored) {
      // Closing frees native memory; nothing to undo if it complains.
    }
  }
}
