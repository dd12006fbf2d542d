package io.partnner.models;

import io.partnner.runtime.tensor.Tensor;

/**
 * Compares a computed tensor with the expected one. Floats may differ by 1e-4 of the expected
 * tensor's largest magnitude or 1e-5, whichever is larger (fused and unfused kernels round
 * differently); integers and booleans must be equal.
 */
record TensorComparison(double maxAbsDiff, double tolerance, boolean matches, String mismatch) {

  static final double RELATIVE_TOLERANCE = 1e-4;
  static final double ABSOLUTE_TOLERANCE = 1e-5;

  static TensorComparison of(String name, Tensor expected, Tensor actual) {
    if (expected.dataType() != actual.dataType()) {
      return new TensorComparison(Double.POSITIVE_INFINITY, 0, false,
          "tensor '" + name + "': expected " + expected.dataType().label() + ", got " + actual.dataType().label());
    }
    if (!expected.shape().equals(actual.shape())) {
      return new TensorComparison(Double.POSITIVE_INFINITY, 0, false,
          "tensor '" + name + "': expected shape " + expected.shape() + ", got " + actual.shape());
    }
    long count = expected.elementCount();
    boolean floating = expected.dataType().isFloatingPoint();
    double maxMagnitude = 0;
    double maxDiff = 0;
    for (long i = 0; i < count; i++) {
      double want = expected.elementAsDouble(i);
      double got = actual.elementAsDouble(i);
      if (Double.isNaN(want) || Double.isNaN(got)) {
        if (Double.isNaN(want) != Double.isNaN(got)) {
          maxDiff = Double.POSITIVE_INFINITY;
        }
        continue;
      }
      if (Double.isInfinite(want) || Double.isInfinite(got)) {
        if (want != got) {
          maxDiff = Double.POSITIVE_INFINITY;
        }
        continue;
      }
      maxMagnitude = Math.max(maxMagnitude, Math.abs(want));
      maxDiff = Math.max(maxDiff, Math.abs(want - got));
    }
    double tolerance = floating ? Math.max(RELATIVE_TOLERANCE * maxMagnitude, ABSOLUTE_TOLERANCE) : 0;
    boolean matches = maxDiff <= tolerance;
    String mismatch = matches ? null
        : "tensor '" + name + "': max abs diff " + maxDiff + " exceeds tolerance " + tolerance;
    return new TensorComparison(maxDiff, tolerance, matches, mismatch);
  }
}
