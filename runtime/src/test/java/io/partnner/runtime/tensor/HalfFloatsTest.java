package io.partnner.runtime.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class HalfFloatsTest {
  @Test
  void toFloat_coversNormalSubnormalAndSpecials() {
    assertThat(HalfFloats.toFloat((short) 0x3c00)).isEqualTo(1.0f);
    assertThat(HalfFloats.toFloat((short) 0xc000)).isEqualTo(-2.0f);
    assertThat(HalfFloats.toFloat((short) 0x0001)).isEqualTo(0x1p-24f);
    assertThat(HalfFloats.toFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(HalfFloats.toFloat((short) 0x7e00)).isNaN();
    assertThat(HalfFloats.toFloat((short) 0x7bff)).isEqualTo(65504f);
  }

  @Test
  void toFloat_everyFiniteHalf_matchesTheDefinition() {
    for (int bits = 0; bits < 0x10000; bits++) {
      int exponent = (bits >>> 10) & 0x1f;
      if (exponent == 0x1f) {
        continue;
      }
      int mantissa = bits & 0x3ff;
      // binary16: (-1)^s * m * 2^-24 when the exponent field is 0, else (-1)^s * (1024 + m) * 2^(e - 25).
      float magnitude = exponent == 0 ? Math.scalb((float) mantissa, -24) : Math.scalb((float) (1024 + mantissa), exponent - 25);
      float expected = (bits & 0x8000) != 0 ? -magnitude : magnitude;
      assertThat(Float.floatToRawIntBits(HalfFloats.toFloat((short) bits))).as("bits %04x", bits)
          .isEqualTo(Float.floatToRawIntBits(expected));
    }
  }

  @Test
  void toFloat_infinitiesAndNaNs_keepSignAndPayload() {
    assertThat(HalfFloats.toFloat((short) 0xfc00)).isEqualTo(Float.NEGATIVE_INFINITY);
    for (int payload = 1; payload < 0x400; payload++) {
      assertThat(HalfFloats.toFloat((short) (0x7c00 | payload))).isNaN();
      assertThat(Float.floatToRawIntBits(HalfFloats.toFloat((short) (0xfc00 | payload))) & 0x80000000).isNotZero();
    }
  }

  @Test
  void fromFloat_everyHalfValue_roundTripsToItsBits() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float value = HalfFloats.toFloat((short) bits);
      if (Float.isNaN(value)) {
        assertThat(Float.isNaN(HalfFloats.toFloat(HalfFloats.fromFloat(value)))).as("NaN %04x", bits).isTrue();
      } else {
        assertThat(HalfFloats.fromFloat(value) & 0xffff).as("bits %04x", bits).isEqualTo(bits);
      }
    }
  }

  @Test
  void fromFloat_betweenNeighbours_roundsToNearestAndTiesToEven() {
    // Every pair of adjacent finite positive halves, with the exact midpoint and one float ulp either side.
    for (int low = 0; low < 0x7bff; low++) {
      float a = HalfFloats.toFloat((short) low);
      float b = HalfFloats.toFloat((short) (low + 1));
      float middle = (a + b) / 2;
      int even = (low & 1) == 0 ? low : low + 1;
      assertThat(HalfFloats.fromFloat(middle) & 0xffff).as("tie above %04x", low).isEqualTo(even);
      assertThat(HalfFloats.fromFloat(Math.nextDown(middle)) & 0xffff).as("below mid %04x", low).isEqualTo(low);
      assertThat(HalfFloats.fromFloat(Math.nextUp(middle)) & 0xffff).as("above mid %04x", low).isEqualTo(low + 1);
      assertThat(HalfFloats.fromFloat(-middle) & 0xffff).as("negative tie %04x", low).isEqualTo(even | 0x8000);
    }
  }

  @Test
  void fromFloat_specialValues_keepTheirMeaning() {
    assertThat(HalfFloats.fromFloat(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7c00);
    assertThat(HalfFloats.fromFloat(Float.NEGATIVE_INFINITY)).isEqualTo((short) 0xfc00);
    assertThat(HalfFloats.toFloat(HalfFloats.fromFloat(Float.NaN))).isNaN();
    // A signalling NaN whose payload sits only in low bits must not collapse to infinity.
    assertThat(HalfFloats.toFloat(HalfFloats.fromFloat(Float.intBitsToFloat(0x7f800001)))).isNaN();
    assertThat(HalfFloats.fromFloat(-0f)).isEqualTo((short) 0x8000);
    assertThat(HalfFloats.fromFloat(0f)).isEqualTo((short) 0);
  }

  @Test
  void fromFloat_beyondTheHalfRange_overflowsToInfinityAtTheTie() {
    assertThat(HalfFloats.fromFloat(65504f)).isEqualTo((short) 0x7bff);
    assertThat(HalfFloats.fromFloat(Math.nextDown(65520f))).isEqualTo((short) 0x7bff);
    assertThat(HalfFloats.fromFloat(65520f)).isEqualTo((short) 0x7c00);
    assertThat(HalfFloats.fromFloat(1e6f)).isEqualTo((short) 0x7c00);
    assertThat(HalfFloats.fromFloat(-Float.MAX_VALUE)).isEqualTo((short) 0xfc00);
  }

  @Test
  void fromFloat_belowTheSmallestSubnormal_flushesAtTheTie() {
    assertThat(HalfFloats.fromFloat(0x1p-25f)).isEqualTo((short) 0);
    assertThat(HalfFloats.fromFloat(Math.nextUp(0x1p-25f))).isEqualTo((short) 1);
    assertThat(HalfFloats.fromFloat(-0x1p-26f)).isEqualTo((short) 0x8000);
    assertThat(HalfFloats.fromFloat(Float.MIN_VALUE)).isEqualTo((short) 0);
    assertThat(HalfFloats.fromFloat(0x1.8p-24f)).isEqualTo((short) 2);
  }
}
