package io.partnner.runtime.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class CodecErrorTest {
  @Test
  void none_isExact() {
    assertThat(CodecError.NONE.isExact()).isTrue();
    assertThat(new CodecError(0.5, 0.1).isExact()).isFalse();
  }

  @Test
  void new_infiniteError_isAllowed() {
    assertThat(new CodecError(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY).isExact()).isFalse();
  }

  @Test
  void new_negativeOrNaN_isRejected() {
    assertThatThrownBy(() -> new CodecError(-1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("codec error must be non-negative, got max abs -1.0 and relative 0.0");
    assertThatThrownBy(() -> new CodecError(0, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }
}
