/** Tensor values as they cross between edge and cloud. */
package io.partnner.runtime.tensor;
