package io.partnner.runtime.sim;

import io.partnner.runtime.sim.MeasuredProfile.BlockTiming;
import io.partnner.runtime.sim.MeasuredProfile.CodecCost;
import io.partnner.runtime.sim.MeasuredProfile.CutCost;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small hand-made measured profiles, with round numbers so expected latencies can be worked out by hand. */
final class TestingProfiles {
  static final long MS = 1_000_000;

  private TestingProfiles() {}

  /**
   * Three blocks of 10, 20 and 30 ms (spread 1, 2, 3 ms). Cut 0 sends 1,000,000 bytes raw (also under int8,
   * which does not take it) or 500,000 lz4; cut 1 100,000 bytes raw (encode 1 ms, decode 0.5 ms) or 40,000 int8 (error 0.01); cut 2
   * 10,000 raw; the result is 4,000 bytes.
   */
  static MeasuredProfile threeBlocks() {
    List<BlockTiming> blocks = List.of(new BlockTiming(10 * MS, 1 * MS), new BlockTiming(20 * MS, 2 * MS),
        new BlockTiming(30 * MS, 3 * MS));
    Map<String, CodecCost> cut0 = new LinkedHashMap<>();
    cut0.put("raw", new CodecCost(1_000_000, 0, 0, 0));
    cut0.put("lz4", new CodecCost(500_000, 2 * MS, 1 * MS, 0));
    // int8 does not take the frame, so it goes raw: the same plan as raw.
    cut0.put("int8", new CodecCost(1_000_000, 0, 0, 0));
    Map<String, CodecCost> cut1 = new LinkedHashMap<>();
    cut1.put("raw", new CodecCost(100_000, 1 * MS, 0.5 * MS, 0));
    cut1.put("int8", new CodecCost(40_000, 1 * MS, 0.5 * MS, 0.01));
    Map<String, CodecCost> cut2 = Map.of("raw", new CodecCost(10_000, 0, 0, 0));
    Map<String, CodecCost> cut3 = Map.of("raw", new CodecCost(0, 0, 0, 0));
    return new MeasuredProfile("three-blocks", "hash-3", 20, blocks,
        List.of(new CutCost(1_000_000, cut0), new CutCost(100_000, cut1), new CutCost(10_000, cut2),
            new CutCost(0, cut3)),
        4_000);
  }
}
