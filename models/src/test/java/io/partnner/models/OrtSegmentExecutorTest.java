package io.partnner.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.models.zoo.ModelZoo;
import io.partnner.runtime.exec.DevicePacer;
import io.partnner.runtime.exec.DeviceProfile;
import io.partnner.runtime.exec.ExecutorSettings;
import io.partnner.runtime.exec.SegmentResult;
import io.partnner.runtime.tensor.Tensor;
import io.partnner.runtime.time.Sleeper;
import io.partnner.runtime.time.Ticker;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Ranges of blocks in ONNX Runtime: exact composition, per-block times, device pacing, bad inputs. */
final class OrtSegmentExecutorTest {
  private static PartitionedModel model;
  private static OrtSegmentExecutor executor;

  @BeforeAll
  static void analyse() {
    model = PartitionedModel.analyze(OnnxModel.of("resnet50@0.25", ModelZoo.build("resnet50", 0.25)), InputShapes.none());
    executor = new OrtSegmentExecutor(model, ExecutorSettings.defaults(), new DevicePacer(DeviceProfile.NATIVE, n -> { }),
        Ticker.system());
  }

  @AfterAll
  static void close() {
    executor.close();
  }

  private static int lastCut() {
    return model.profile().cuts().size() - 1;
  }

  private static void assertMatchesWholeModel(Map<String, Tensor> outputs) {
    Map<String, Tensor> expected = model.recordedValues();
    for (String name : List.of("logits")) {
      TensorComparison comparison = TensorComparison.of(name, expected.get(name), outputs.get(name));
      assertThat(comparison.matches()).as(comparison.mismatch()).isTrue();
    }
  }

  @Test
  void run_wholeRange_givesTheWholeModelsOutputsAndATimePerBlock() {
    SegmentResult result = executor.run(0, lastCut(), model.sampleInputs());
    assertMatchesWholeModel(result.outputs());
    assertThat(result.blockNanos()).hasSize(lastCut());
    assertThat(result.blockNanos()).allSatisfy(nanos -> assertThat(nanos).isNotNegative());
    long sum = result.blockNanos().stream().mapToLong(Long::longValue).sum();
    assertThat(sum).isPositive().isLessThanOrEqualTo(result.totalNanos());
    // Conv, BatchNorm and ReLU cuts run as one session each: fewer sessions than blocks.
    assertThat(executor.sessionCount()).isLessThan(lastCut() / 2);
  }

  @Test
  void run_headThenTail_composeToTheWholeModel() {
    for (int cut : new int[] {1, lastCut() / 3, lastCut() / 2, lastCut() - 1}) {
      SegmentResult head = executor.run(0, cut, model.sampleInputs());
      assertThat(head.outputs().keySet())
          .containsAll(model.profile().cuts().get(cut).crossing().stream().map(t -> t.name()).toList());
      Map<String, Tensor> crossing = new HashMap<>(head.outputs());
      crossing.putAll(model.sampleInputs());
      SegmentResult tail = executor.run(cut, lastCut(), crossing);
      assertMatchesWholeModel(tail.outputs());
    }
  }

  @Test
  void run_emulatedDeviceX4_blocksTakeFourTimesTheirWork() {
    long[] waitedNanos = new long[1];
    // Emulated waits advance a virtual offset instead of sleeping, so the test does not wait.
    Sleeper virtual = nanos -> waitedNanos[0] += nanos;
    Ticker clock = () -> System.nanoTime() + waitedNanos[0];
    // Not coarsened: a calibration run would also pace its pricing run, which no block time shows.
    try (OrtSegmentExecutor slow = new OrtSegmentExecutor(
        model, ExecutorSettings.defaults().uncoarsened(), new DevicePacer(DeviceProfile.parse("x4"), virtual), clock)) {
      SegmentResult result = slow.run(0, lastCut(), model.sampleInputs());
      long measured = result.blockNanos().stream().mapToLong(Long::longValue).sum();
      long waited = waitedNanos[0];
      // The pacer waited 3x the work it saw after each piece (DevicePacerTest checks the arithmetic), and
      // the block times include both: at least 4/3 of the waits. (An upper bound would be flaky: a GC
      // pause between two clock reads counts as work.)
      assertThat(waited).isPositive();
      assertThat(measured).isGreaterThanOrEqualTo(waited * 4 / 3 - 1_000); // a few ns of rounding per block
    }
  }

  @Test
  void run_afterCalibration_mergesPiecesAndClosesTheIdleSessions() {
    ExecutorSettings defaults = ExecutorSettings.defaults();
    ExecutorSettings oneSecondPieces = new ExecutorSettings(
        defaults.intraOpThreads(), defaults.groupFlopShare(), 1_000_000_000L, defaults.calibrationRuns(),
        defaults.overheadBudget(), 0, defaults.rangeSessions(), defaults.rangeSessionUses());
    try (OrtSegmentExecutor merging = new OrtSegmentExecutor(
        model, oneSecondPieces, new DevicePacer(DeviceProfile.NATIVE, n -> { }), Ticker.system())) {
      for (int run = 1; run < oneSecondPieces.calibrationRuns(); run++) {
        assertMatchesWholeModel(merging.run(0, lastCut(), model.sampleInputs()).outputs());
      }
      assertThat(merging.sessionCount()).isGreaterThan(5);
      assertMatchesWholeModel(merging.run(0, lastCut(), model.sampleInputs()).outputs());
      SegmentResult merged = merging.run(0, lastCut(), model.sampleInputs());
      assertMatchesWholeModel(merged.outputs());
      assertThat(merged.blockNanos()).hasSize(lastCut());
      assertThat(merging.sessionCount()).isEqualTo(1);
    }
  }

  /** Small pieces (no refresh runs), so that any range spans several; hot ranges get their own sessions. */
  private static OrtSegmentExecutor withRangeSessions(int capacity, int uses) {
    ExecutorSettings defaults = ExecutorSettings.defaults();
    ExecutorSettings settings = new ExecutorSettings(defaults.intraOpThreads(), defaults.groupFlopShare(), 1,
        defaults.calibrationRuns(), 1.0, 0, capacity, uses);
    return new OrtSegmentExecutor(model, settings, new DevicePacer(DeviceProfile.NATIVE, n -> { }), Ticker.system());
  }

  private static SegmentResult runUntilCalibrated(OrtSegmentExecutor executor, int fromCut, int toCut,
      Map<String, Tensor> inputs) {
    SegmentResult result = null;
    for (int run = 0; run < ExecutorSettings.defaults().calibrationRuns(); run++) {
      result = executor.run(fromCut, toCut, inputs);
    }
    return result;
  }

  @Test
  void run_rangeUsedAgainAndAgain_runsAsOneSessionWithTheSameOutputs() {
    try (OrtSegmentExecutor hot = withRangeSessions(2, 4)) {
      runUntilCalibrated(hot, 0, lastCut(), model.sampleInputs());
      assertThat(hot.piecesIn(0, lastCut())).as("pieces after calibration").isGreaterThan(1);
      // The fourth run of the range makes it hot; calibration left its session behind, so it is ready at once.
      assertMatchesWholeModel(hot.run(0, lastCut(), model.sampleInputs()).outputs());
      hot.rangeSessionsBuilt().join();
      assertThat(hot.runsAsOneSession(0, lastCut())).isTrue();
      int sessions = hot.sessionCount();
      SegmentResult asOne = hot.run(0, lastCut(), model.sampleInputs());
      assertMatchesWholeModel(asOne.outputs());
      assertThat(asOne.blockNanos()).hasSize(lastCut()).allSatisfy(nanos -> assertThat(nanos).isNotNegative());
      long sum = asOne.blockNanos().stream().mapToLong(Long::longValue).sum();
      assertThat(sum).isLessThanOrEqualTo(asOne.totalNanos());
      assertThat(hot.sessionCount()).isEqualTo(sessions);
    }
  }

  @Test
  void run_newHotRange_isBuiltInTheBackgroundAndTheLeastRecentOneClosed() {
    int cut = lastCut() / 2;
    Map<String, Tensor> crossing = new HashMap<>(executor.run(0, cut, model.sampleInputs()).outputs());
    crossing.putAll(model.sampleInputs());
    try (OrtSegmentExecutor hot = withRangeSessions(1, 2)) {
      runUntilCalibrated(hot, 0, lastCut(), model.sampleInputs());
      hot.run(0, lastCut(), model.sampleInputs());
      hot.rangeSessionsBuilt().join();
      assertThat(hot.runsAsOneSession(0, lastCut())).isTrue();
      assertThat(hot.hasSession(cut, lastCut())).isFalse();
      // The plan moves to a split: its tail is a range no calibration ran, built on the background thread.
      assertThat(hot.piecesIn(cut, lastCut())).isGreaterThan(1);
      assertMatchesWholeModel(hot.run(cut, lastCut(), crossing).outputs());
      assertMatchesWholeModel(hot.run(cut, lastCut(), crossing).outputs());
      hot.rangeSessionsBuilt().join();
      assertThat(hot.runsAsOneSession(cut, lastCut())).isTrue();
      assertThat(hot.runsAsOneSession(0, lastCut())).as("capacity 1: the older range lost its session").isFalse();
      SegmentResult tail = hot.run(cut, lastCut(), crossing);
      assertMatchesWholeModel(tail.outputs());
      // The whole model's session was closed once no run held it.
      assertThat(hot.hasSession(cut, lastCut())).isTrue();
      assertThat(hot.hasSession(0, lastCut())).isFalse();
      // The older range still runs, in pieces.
      assertMatchesWholeModel(hot.run(0, lastCut(), model.sampleInputs()).outputs());
    }
  }

  @Test
  void run_badInputs_areNamedAndLoseNothing() {
    assertThatThrownBy(() -> executor.run(0, lastCut(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("need tensor 'image', which was not given");
    Tensor floats = Tensor.of(io.partnner.runtime.model.DataType.FLOAT32, List.of(1L), ByteBuffer.allocate(4));
    assertThatThrownBy(() -> executor.run(0, lastCut(), Map.of("image", floats)))
        .hasMessage("tensor 'image': expected uint8, got float32");
    Tensor wrongShape = Tensor.of(io.partnner.runtime.model.DataType.UINT8, List.of(1L, 3L, 8L, 8L), ByteBuffer.allocate(192));
    assertThatThrownBy(() -> executor.run(0, lastCut(), Map.of("image", wrongShape)))
        .hasMessageContaining("tensor 'image': expected shape [1, 3, 64, 64], got [1, 3, 8, 8]");
    assertThatThrownBy(() -> executor.run(2, 1, model.sampleInputs())).hasMessageContaining("out of range");
    // The executor still serves after bad requests.
    assertMatchesWholeModel(executor.run(0, lastCut(), model.sampleInputs()).outputs());
  }
}
