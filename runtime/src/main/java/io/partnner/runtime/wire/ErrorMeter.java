package io.partnner.runtime.wire;

/**
 * Accumulates the error of a lossy codec element by element, from the value it will actually decode to,
 * so the reported error is the measured one and not a bound.
 */
final class ErrorMeter {
  private double maxAbsError;
  private double maxMagnitude;

  void add(float original, float decoded) {
    if (Float.isFinite(original)) {
      maxMagnitude = Math.max(maxMagnitude, Math.abs((double) original));
    }
    // Identical values (including infinities, and NaN where it is kept) cost nothing.
    if (Float.compare(original, decoded) == 0 || (Float.isNaN(original) && Float.isNaN(decoded))) {
      return;
    }
    double difference = Math.abs((double) original - (double) decoded);
    // NaN appears when an infinity does not survive; that is as bad as an error gets.
    maxAbsError = Math.max(maxAbsError, Double.isNaN(difference) ? Double.POSITIVE_INFINITY : difference);
  }

  CodecError result() {
    if (maxAbsError == 0) {
      return CodecError.NONE;
    }
    return new CodecError(maxAbsError, maxMagnitude == 0 ? Double.POSITIVE_INFINITY : maxAbsError / maxMagnitude);
  }
}
