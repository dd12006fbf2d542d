/**
 * Tensors on the wire: the Kryo format (registration required, bulk byte copies, every header field
 * checked before anything large is allocated) and the codecs that may shrink a crossing tensor.
 */
package io.partnner.runtime.wire;
