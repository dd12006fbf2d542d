package io.partnner.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.partnner.runtime.model.ModelProfile;
import org.junit.jupiter.api.Test;

final class CodecSizesTest {
  private final ModelProfile profile =
      TestingProfiles.profile(new long[] {1000, 4000, 500}, new double[] {1, 1, 1}, 40);

  @Test
  void rawOnly_everyCutButEdgeOnly_hasTheUncompressedCrossingBytes() {
    CodecSizes sizes = CodecSizes.rawOnly(profile);

    assertThat(sizes.cutCount()).isEqualTo(4);
    assertThat(sizes.sizes(1)).containsExactly(new CodecSizes.Size("raw", 4000, 0));
    assertThat(sizes.sizes(3)).isEmpty();
    assertThat(sizes.cost("raw")).isEqualTo(new CodecSizes.Cost("raw", 0, 0));
  }

  @Test
  void build_measuredSizes_keepRawFirstAndTheirOrder() {
    CodecSizes sizes = CodecSizes.builder(profile).size(0, "lz4", 300, 0).size(0, "raw", 1000, 0).build();

    assertThat(sizes.sizes(0)).extracting(CodecSizes.Size::codec).containsExactly("raw", "lz4");
  }

  @Test
  void size_badInput_throwsNamingIt() {
    assertThatThrownBy(() -> CodecSizes.builder(profile).size(1, "zip", 10, 0))
        .hasMessageContaining("unknown wire codec 'zip'");
    assertThatThrownBy(() -> CodecSizes.builder(profile).size(3, "lz4", 10, 0))
        .hasMessageContaining("codec sizes apply to cuts 0..2, got cut 3");
    assertThatThrownBy(() -> CodecSizes.builder(profile).size(1, "lz4", 10, 0).size(1, "lz4", 20, 0))
        .hasMessageContaining("codec lz4 already has a size at cut 1");
    assertThatThrownBy(() -> CodecSizes.builder(profile).size(1, "int8", 10, -1))
        .hasMessageContaining("has error -1.0");
  }
}
