package io.partnner.runtime.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.exec.HotRanges.Use;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which ranges get a session of their own: recent use, at most a few, least recently used out first. */
final class HotRangesTest {
  @Test
  void use_aRangeRunAgainAndAgain_isBuiltOnceThenRunsAsOne() {
    HotRanges hot = new HotRanges(2, 3);
    assertThat(hot.use(0, 10)).isEqualTo(Use.PIECES);
    assertThat(hot.use(0, 10)).isEqualTo(Use.PIECES);
    assertThat(hot.use(0, 10)).isEqualTo(Use.BUILD);
    // While it is built, runs go on in pieces, and nobody starts a second build.
    assertThat(hot.use(0, 10)).isEqualTo(Use.PIECES);
    assertThat(hot.isReady(0, 10)).isFalse();
    assertThat(hot.isKept(0, 10)).isTrue();
    assertThat(hot.built(0, 10)).isEmpty();
    assertThat(hot.use(0, 10)).isEqualTo(Use.AS_ONE);
    assertThat(hot.isReady(0, 10)).isTrue();
  }

  @Test
  void use_anOccasionalRange_neverGetsASession() {
    HotRanges hot = new HotRanges(2, 4);
    List<Use> explored = new ArrayList<>();
    for (int run = 0; run < 1_000; run++) {
      // One run in eight explores a neighbouring cut: at most 2 of any 16 runs.
      if (run % 8 == 0) {
        explored.add(hot.use(0, 11));
      } else {
        hot.use(0, 10);
      }
    }
    assertThat(explored).hasSize(125).containsOnly(Use.PIECES);
    assertThat(hot.isKept(0, 11)).isTrue();
    assertThat(hot.isReady(0, 11)).isFalse();
    // The range in force became hot at its fourth run and waits for its session.
    assertThat(hot.use(0, 10)).isEqualTo(Use.PIECES);
    assertThat(hot.built(0, 10)).isEmpty();
    assertThat(hot.use(0, 10)).isEqualTo(Use.AS_ONE);
  }

  @Test
  void use_countsOnlyTheRecentWindow() {
    HotRanges hot = new HotRanges(1, 2);
    assertThat(hot.use(3, 7)).isEqualTo(Use.PIECES);
    for (int run = 0; run < 8; run++) {
      hot.use(0, 7);
    }
    // Its first use left the window of 8 runs: one more is one use, not two.
    assertThat(hot.use(3, 7)).isEqualTo(Use.PIECES);
    assertThat(hot.use(3, 7)).isEqualTo(Use.BUILD);
  }

  @Test
  void built_beyondCapacity_dropsTheLeastRecentlyUsed() {
    HotRanges hot = new HotRanges(2, 1);
    assertThat(hot.use(0, 4)).isEqualTo(Use.BUILD);
    assertThat(hot.built(0, 4)).isEmpty();
    assertThat(hot.use(0, 6)).isEqualTo(Use.BUILD);
    assertThat(hot.built(0, 6)).isEmpty();
    // (0, 4) ran last, so (0, 6) is the one to go when a third is built.
    assertThat(hot.use(0, 4)).isEqualTo(Use.AS_ONE);
    assertThat(hot.use(0, 8)).isEqualTo(Use.BUILD);
    assertThat(hot.built(0, 8)).singleElement().satisfies(range -> assertThat(range).containsExactly(0, 6));
    assertThat(hot.isReady(0, 6)).isFalse();
    assertThat(hot.isKept(0, 6)).as("dropped, though it ran lately").isFalse();
    assertThat(hot.isReady(0, 4)).isTrue();
    assertThat(hot.isReady(0, 8)).isTrue();
  }

  @Test
  void refused_rangeRunsInPiecesForGood() {
    HotRanges hot = new HotRanges(2, 1);
    assertThat(hot.use(5, 9)).isEqualTo(Use.BUILD);
    hot.refused(5, 9);
    assertThat(hot.use(5, 9)).isEqualTo(Use.PIECES);
    assertThat(hot.use(5, 9)).isEqualTo(Use.PIECES);
  }

  @Test
  void noCapacity_neverBuilds() {
    HotRanges hot = new HotRanges(0, 1);
    assertThat(hot.use(0, 3)).isEqualTo(Use.PIECES);
    assertThat(hot.use(0, 3)).isEqualTo(Use.PIECES);
    assertThatThrownBy(() -> new HotRanges(-1, 1)).hasMessage("capacity must be >= 0, got -1");
    assertThatThrownBy(() -> new HotRanges(1, 0)).hasMessage("uses must be >= 1, got 0");
  }
}
