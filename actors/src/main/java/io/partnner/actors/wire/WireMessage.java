package io.partnner.actors.wire;

/**
 * Marks every message that crosses nodes. Bound to Pekko's Jackson CBOR serializer; messages that carry
 * tensors or bulk bytes implement {@link TensorMessage}, whose more specific binding wins.
 */
public interface WireMessage {}
