package io.partnner.runtime.tensor;

/** IEEE 754 binary16 conversions (Java 17 has no {@code Float.float16ToFloat}). */
public final class HalfFloats {
  private HalfFloats() {}

  /** Widens the binary16 value in the low 16 bits of {@code bits} to a float, exactly. */
  public static float toFloat(short bits) {
    int half = bits & 0xffff;
    int sign = (half & 0x8000) << 16;
    int exponent = (half >>> 10) & 0x1f;
    int mantissa = half & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      // Subnormal (or zero): value = mantissa * 2^-24.
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /**
   * Narrows {@code value} to binary16 bits, rounding to nearest with ties to even. Values at or above
   * 65520 in magnitude become infinity, values at or below 2^-25 become signed zero, NaN stays NaN.
   */
  public static short fromFloat(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int magnitude = bits & 0x7fffffff;
    if (magnitude >= 0x7f800000) {
      if (magnitude == 0x7f800000) {
        return (short) (sign | 0x7c00);
      }
      // Keep the top payload bits and set the quiet bit so the payload can never collapse to infinity.
      return (short) (sign | 0x7e00 | ((magnitude >>> 13) & 0x3ff));
    }
    if (magnitude >= 0x477ff000) {
      // 65520 is halfway between 65504 (the largest half) and 2^16; ties go to the even side, infinity.
      return (short) (sign | 0x7c00);
    }
    if (magnitude >= 0x38800000) {
      int half = ((magnitude >>> 23) - 112) << 10 | ((magnitude >>> 13) & 0x3ff);
      // A carry out of the mantissa correctly bumps the exponent.
      return (short) (sign | roundHalfEven(half, magnitude & 0x1fff, 13));
    }
    if (magnitude <= 0x33000000) {
      // At most 2^-25: half of the smallest subnormal, which ties to even, i.e. zero.
      return (short) sign;
    }
    // Subnormal half: the value in units of 2^-24, from the float's mantissa with its implicit bit.
    int mantissa = (magnitude & 0x7fffff) | 0x800000;
    int shift = 126 - (magnitude >>> 23);
    return (short) (sign | roundHalfEven(mantissa >>> shift, mantissa & ((1 << shift) - 1), shift));
  }

  private static int roundHalfEven(int truncated, int dropped, int droppedBits) {
    int halfway = 1 << (droppedBits - 1);
    if (dropped > halfway || (dropped == halfway && (truncated & 1) != 0)) {
      return truncated + 1;
    }
    return truncated;
  }
}
