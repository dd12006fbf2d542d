package io.partnner.runtime.wire;

/**
 * Accumulates the error of a lossy codec element by element, from the value it will actually decode to,
 * so the reported error is the measured one and not a bound.
 */
final class ErrorMeter {
  private double maxAbsError;
  private double maxMagnitude;

  // Called once per element of every lossy encoding, hence comparisons that NaN simply fails instead
  // of Math.max, and the rare special cases kept off the common path.
  void add(float original, float decoded) {
    double magnitude = Math.abs((double) original);
    if (magnitude > maxMagnitude && magnitude != Double.POSITIVE_INFINITY) {
      maxMagnitude = magnitude;
    }
    double difference = Math.abs((double) original - (double) decoded);
    if (difference > maxAbsError) {
      maxAbsError = difference;
    } else if (difference != difference) {
      addSpecial(original, decoded);
    }
  }

  /** NaN difference: an infinity kept (no error), NaN kept (no error), or a value lost (as bad as it gets). */
  private void addSpecial(float original, float decoded) {
    boolean kept = Float.compare(original, decoded) == 0 || (Float.isNaN(original) && Float.isNaN(decoded));
    if (!kept) {
      maxAbsError = Double.POSITIVE_INFINITY;
    }
  }

  CodecError result() {
    return error(maxAbsError, maxMagnitude);
  }

  /** The error record for a largest difference and the largest finite magnitude of the original. */
  static CodecError error(double maxAbsError, double maxMagnitude) {
    if (maxAbsError == 0) {
      return CodecError.NONE;
    }
    return new CodecError(maxAbsError, maxMagnitude == 0 ? Double.POSITIVE_INFINITY : maxAbsError / maxMagnitude);
  }
}
