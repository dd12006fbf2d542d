package io.partnner.runtime.tensor;

/** IEEE 754 binary16 conversions (Java 17 has no {@code Float.float16ToFloat}). */
public final class HalfFloats {
  private HalfFloats() {}

  /** Widens the binary16 value in the low 16 bits of {@code bits} to a float, exactly. */
  public static float toFloat(short bits) {
    int magnitude = bits & 0x7fff;
    int sign = (bits & 0x8000) << 16;
    if (magnitude >= 0x7c00) {
      return Float.intBitsToFloat(sign | 0x7f800000 | ((magnitude & 0x3ff) << 13));
    }
    // Placed in a float's exponent and mantissa fields, the half is its value times 2^-112, for zero
    // and subnormals too; scaling by a power of two is exact. No branch on zero, which is common after
    // ReLU and would be mispredicted half of the time.
    float unsigned = Float.intBitsToFloat(magnitude << 13) * 0x1p112f;
    return Float.intBitsToFloat(Float.floatToRawIntBits(unsigned) | sign);
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
    // Both candidates are computed and one is selected, rather than branching on the magnitude: zeros
    // and normals alternate at random in ReLU outputs, and a branch there would be mispredicted often.
    // Normal half: drop 13 mantissa bits with round half to even (adding 0xfff, plus 1 when the kept
    // last bit is odd, carries exactly when the dropped part is over half, or half with an odd last
    // bit), and rebias the exponent from 127 to 15; a carry out of the mantissa bumps the exponent.
    int normal = ((magnitude + 0xfff + ((magnitude >>> 13) & 1)) >>> 13) - (112 << 10);
    // Below 2^-14 the half is subnormal, a count of 2^-24 units: scaling by 2^24 is exact and rint
    // rounds half to even. Its largest result, 1024, is the bit pattern of the smallest normal.
    int subnormal = (int) Math.rint(Float.intBitsToFloat(magnitude) * 0x1p24f);
    return (short) (sign | (magnitude >= 0x38800000 ? normal : subnormal));
  }
}
