package io.partnner.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.partnner.models.zoo.ModelZoo;
import io.partnner.runtime.sim.MeasuredProfile;
import io.partnner.runtime.sim.MeasuredProfile.CutCost;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Measured block profiles of a small zoo model: block statistics, crossing bytes per codec, the cache. */
final class BlockProfilerTest {
  private static final BlockProfiler.Settings QUICK = new BlockProfiler.Settings(1, 3, 0, 1);
  private static PartitionedModel model;
  private static MeasuredProfile measured;

  @TempDir Path dir;

  @BeforeAll
  static void measure() {
    model = PartitionedModel.analyze(OnnxModel.of("mobilenet_v2@0.25", ModelZoo.build("mobilenet_v2", 0.25)),
        InputShapes.none());
    measured = BlockProfiler.profile(model, QUICK);
  }

  @Test
  void profile_blocks_oneTimingPerBlockAddingUpToTheModel() {
    assertThat(measured.blockCount()).isEqualTo(model.profile().blockCount());
    assertThat(measured.totalMeanNanos()).isPositive();
    assertThat(measured.runs()).isEqualTo(3);
    assertThat(measured.contentHash()).isEqualTo(model.model().contentHash());
    assertThat(measured.resultBytes()).isEqualTo(model.profile().resultBytes());
  }

  @Test
  void profile_crossings_bytesPerCodecFromTheRealTensors() {
    CutCost cloudOnly = measured.cuts().get(0);
    assertThat(cloudOnly.rawBytes()).isEqualTo(model.profile().cuts().get(0).crossingBytes());
    // The uint8 frame is not float32: lossy codecs send it raw, so they cost what raw costs.
    assertThat(cloudOnly.codec("int8").bytes()).isEqualTo(cloudOnly.codec("raw").bytes());
    assertThat(cloudOnly.codec("int8").relativeError()).isZero();
    CutCost middle = measured.cuts().get(measured.blockCount() / 2);
    assertThat(middle.codec("raw").bytes()).isGreaterThanOrEqualTo(middle.rawBytes());
    assertThat(middle.codec("float16").bytes()).isLessThan(middle.codec("raw").bytes() * 6 / 10);
    assertThat(middle.codec("int8").bytes()).isLessThan(middle.codec("raw").bytes() * 4 / 10);
    assertThat(middle.codec("int8").relativeError()).isPositive().isLessThan(0.05);
    assertThat(middle.codec("lz4").relativeError()).isZero();
    assertThat(measured.cuts().get(measured.edgeOnlyCut()).codec("raw").bytes()).isZero();
  }

  @Test
  void cached_secondCall_readsTheSavedProfile() throws Exception {
    MeasuredProfile first = BlockProfiler.cached(model, QUICK, dir);
    try (var files = Files.list(dir)) {
      assertThat(files.toList()).hasSize(1);
    }
    assertThat(BlockProfiler.cached(model, QUICK, dir)).isEqualTo(first);
  }
}
