package io.partnner.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.partnner.runtime.model.ModelProfile;
import org.junit.jupiter.api.Test;

final class LatencyModelTest {
  private static final double MS = 1e6;
  /** Three blocks; cut 0 ships a 1000-byte input, cut 1 4000 bytes, cut 2 500 bytes; the result is 40 bytes. */
  private final ModelProfile profile =
      TestingProfiles.profile(new long[] {1000, 4000, 500}, new double[] {1, 1, 1}, 40);
  private final CodecSizes sizes =
      CodecSizes.builder(profile).size(1, "lz4", 1000, 0).cost("lz4", 2, 1).size(1, "int8", 1000, 0.05).build();
  /** 8 Mbit/s up (1 us per byte), 4 Mbit/s down (2 us per byte), 10 ms RTT, 5 ms queue. */
  private final Conditions conditions = new Conditions(
      new double[] {10 * MS, 20 * MS, 30 * MS}, new double[] {1 * MS, 2 * MS, 3 * MS}, 8, 4, 10 * MS, 5 * MS);

  @Test
  void predict_splitPlan_addsEveryTermOfTheModel() {
    LatencyModel model = new LatencyModel(profile, sizes, 0);

    LatencyBreakdown raw = model.predict(new Plan(2, "raw"), conditions);

    assertThat(raw).isEqualTo(new LatencyBreakdown(30 * MS, 0, 10 * MS, 0.5 * MS, 5 * MS, 3 * MS, 0.08 * MS, 0));
    assertThat(raw.totalNanos()).isCloseTo(48.58 * MS, within(1.0));
  }

  @Test
  void predict_codecWithCost_chargesEncodeAndDecodePerUncompressedByte() {
    LatencyModel model = new LatencyModel(profile, sizes, 0);

    LatencyBreakdown lz4 = model.predict(new Plan(1, "lz4"), conditions);

    // 4000 uncompressed bytes: 8 us to encode at 2 ns/B, 4 us to decode at 1 ns/B; 1000 bytes on the link.
    assertThat(lz4).isEqualTo(new LatencyBreakdown(10 * MS, 8_000, 10 * MS, 1 * MS, 5 * MS, 5 * MS, 0.08 * MS, 4_000));
    assertThat(lz4.totalNanos()).isCloseTo(31.092 * MS, within(1.0));
  }

  @Test
  void predict_slowerEdge_encodesAtItsSpeedAndDecodesAtTheCloudSpeed() {
    LatencyModel model = new LatencyModel(profile, sizes, 0);
    Conditions slowEdge = new Conditions(new double[] {10 * MS, 20 * MS, 30 * MS}, new double[] {1 * MS, 2 * MS, 3 * MS},
        8, 4, 10 * MS, 5 * MS, 10);

    LatencyBreakdown lz4 = model.predict(new Plan(1, "lz4"), slowEdge);

    // The edge, ten times slower than the cloud where the codec was timed, takes 80 us to encode; decoding stays 4 us.
    assertThat(lz4.encodeNanos()).isEqualTo(80_000);
    assertThat(lz4.decodeNanos()).isEqualTo(4_000);
    assertThat(lz4.totalNanos()).isCloseTo(31.164 * MS, within(1.0));
    assertThatThrownBy(() -> new Conditions(new double[] {1}, new double[] {1}, 1, 1, 0, 0, 0))
        .hasMessageContaining("speed ratio");
  }

  @Test
  void predict_edgeOnly_hasNoLinkOrCloudTerms() {
    LatencyModel model = new LatencyModel(profile, sizes, 0);

    assertThat(model.predict(model.edgeOnly(), conditions))
        .isEqualTo(new LatencyBreakdown(60 * MS, 0, 0, 0, 0, 0, 0, 0));
    assertThat(model.edgeOnly()).isEqualTo(new Plan(3, "raw"));
  }

  @Test
  void best_handMadeConditions_isCloudOnly() {
    LatencyModel model = new LatencyModel(profile, sizes, 0);

    // Cloud-only: 10 + 1 + 5 + 6 + 0.08 = 22.08 ms, less than lz4 at cut 1 (31.09), cut 2 (48.58), edge-only (60).
    assertThat(model.best(conditions)).isEqualTo(new Plan(0, "raw"));
    assertThat(model.predict(new Plan(0, "raw"), conditions).totalNanos()).isCloseTo(22.08 * MS, within(1.0));
  }

  @Test
  void candidates_lossyCodec_onlyWhenItsErrorIsWithinAPositiveBound() {
    Plan int8 = new Plan(1, "int8");

    assertThat(new LatencyModel(profile, sizes, 0).candidates()).containsExactly(
        new Plan(0, "raw"), new Plan(1, "raw"), new Plan(1, "lz4"), new Plan(2, "raw"), new Plan(3, "raw"));
    assertThat(new LatencyModel(profile, sizes, 0.01).candidates()).doesNotContain(int8);
    assertThat(new LatencyModel(profile, sizes, 0.05).candidates()).contains(int8);
  }

  @Test
  void predict_planNotACandidate_throwsNamingThePlan() {
    LatencyModel model = new LatencyModel(profile, sizes, 0);

    assertThatThrownBy(() -> model.predict(new Plan(1, "int8"), conditions))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(cut 1, int8) is not a candidate");
    assertThatThrownBy(() -> model.predict(new Plan(9, "raw"), conditions))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cuts run 0..3");
  }

  @Test
  void predict_conditionsForAnotherModel_throws() {
    LatencyModel model = new LatencyModel(profile, sizes, 0);
    Conditions twoBlocks = new Conditions(new double[] {1, 2}, new double[] {1, 2}, 1, 1, 0, 0);

    assertThatThrownBy(() -> model.predict(new Plan(0, "raw"), twoBlocks))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("conditions are for 2 blocks, the model has 3");
  }
}
