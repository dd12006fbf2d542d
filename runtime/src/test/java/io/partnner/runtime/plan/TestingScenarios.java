package io.partnner.runtime.plan;

import io.partnner.runtime.model.ModelProfile;
import io.partnner.runtime.time.TestingTicker;

/**
 * The scenarios the planner tests share. Block FLOPs are all equal, so the FLOPs prior ranks the blocks
 * wrongly and only measurements can find the best cut.
 */
final class TestingScenarios {
  static final double MS = 1e6;

  private TestingScenarios() {}

  /**
   * Six blocks, edge 8x slower than the cloud, a 4000-byte result. At 10 Mbit/s and 20 ms the best plan
   * is cut 3 (129.2 ms; edge-only 150 ms); at 1 Mbit/s or with 100 ms of cloud queue it is edge-only.
   */
  static ModelProfile stepProfile() {
    return TestingProfiles.profile(
        new long[] {150_528, 800_000, 400_000, 50_000, 100_000, 20_000}, TestingProfiles.uniformFlops(6, 1e9), 4000);
  }

  /** Like {@link #stepProfile()} but cut 3 crosses 72 KB: 146.8 ms, within 2.1% of edge-only's 150 ms. */
  static ModelProfile nearTieProfile() {
    return TestingProfiles.profile(
        new long[] {150_528, 800_000, 400_000, 72_000, 100_000, 20_000}, TestingProfiles.uniformFlops(6, 1e9), 4000);
  }

  static double[] stepEdge() {
    return new double[] {12 * MS, 18 * MS, 24 * MS, 30 * MS, 36 * MS, 30 * MS};
  }

  static double[] stepCloud() {
    double[] cloud = stepEdge();
    for (int i = 0; i < cloud.length; i++) {
      cloud[i] /= 8;
    }
    return cloud;
  }

  /**
   * Eight equal blocks (edge 15 ms, cloud 1.5 ms) and crossing sizes that make cut 3 best at 10 Mbit/s
   * (107.7 ms) with both neighbours within 25% of it (cut 2 126.2 ms, cut 4 117.2 ms).
   */
  static ModelProfile exploreProfile() {
    return TestingProfiles.profile(
        new long[] {150_528, 100_000, 80_000, 40_000, 35_000, 30_000, 20_000, 10_000},
        TestingProfiles.uniformFlops(8, 1e9), 4000);
  }

  static double[] uniform(int blocks, double nanos) {
    double[] times = new double[blocks];
    java.util.Arrays.fill(times, nanos);
    return times;
  }

  static TestingWorld stepWorld(TestingTicker ticker, long seed, double noise) {
    ModelProfile profile = stepProfile();
    return new TestingWorld(profile, CodecSizes.rawOnly(profile), stepEdge(), stepCloud(), ticker, seed, noise);
  }
}
