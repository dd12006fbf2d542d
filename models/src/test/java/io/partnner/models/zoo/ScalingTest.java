package io.partnner.models.zoo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class ScalingTest {

    @Test
    void channels_fullScale_keepsEveryPaperWidth() {
        Scaling full = new Scaling(1.0);

        for (int width : new int[] {16, 24, 32, 64, 96, 160, 192, 320, 384, 1280, 4096}) {
            assertThat(full.channels(width)).isEqualTo(width);
        }
    }

    @Test
    void channels_reducedScale_roundsToNearestMultipleOfEightWithFloorEight() {
        assertThat(new Scaling(0.25).channels(192)).isEqualTo(48);
        assertThat(new Scaling(0.3).channels(100)).isEqualTo(32);
        assertThat(new Scaling(0.25).channels(16)).isEqualTo(8);
        assertThat(new Scaling(0.01).channels(4096)).isEqualTo(40);
        assertThat(new Scaling(0.001).channels(64)).isEqualTo(8);
    }

    @Test
    void resolution_reducedScale_roundsToMultipleOf32AboveTheMinimum() {
        assertThat(new Scaling(1.0).resolution(416, 32)).isEqualTo(416);
        assertThat(new Scaling(0.5).resolution(224, 32)).isEqualTo(128);
        assertThat(new Scaling(0.25).resolution(416, 32)).isEqualTo(96);
        assertThat(new Scaling(0.01).resolution(224, 64)).isEqualTo(64);
    }

    @Test
    void resolution_tinyScale_stillBuildsEveryModel() {
        for (String name : ModelZoo.names()) {
            assertThat(ModelZoo.build(name, 0.01).getGraph().getNodeCount()).isPositive();
        }
    }
}
