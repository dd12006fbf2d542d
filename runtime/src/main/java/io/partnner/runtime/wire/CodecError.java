package io.partnner.runtime.wire;

/**
 * What a codec lost on one tensor: the largest absolute difference between an original and a decoded
 * element, and that difference over the largest finite magnitude in the original.
 *
 * @param maxAbsError largest |original - decoded|, infinite when a finite value became infinite
 * @param relativeError {@code maxAbsError / max |original|}, zero for an exact round trip
 */
public record CodecError(double maxAbsError, double relativeError) {
  /** The error of a lossless codec. */
  public static final CodecError NONE = new CodecError(0, 0);

  /** Checks that both errors are non-negative numbers (infinity allowed). */
  public CodecError {
    if (!(maxAbsError >= 0) || !(relativeError >= 0)) {
      throw new IllegalArgumentException(
          "codec error must be non-negative, got max abs " + maxAbsError + " and relative " + relativeError);
    }
  }

  /** True when the round trip reproduces every element. */
  public boolean isExact() {
    return maxAbsError == 0;
  }
}
