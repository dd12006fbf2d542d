package io.partnner.actors.wire;

/** A cross-node message carrying tensors or bulk bytes: serialized by {@link TensorMessageSerializer} (Kryo). */
public interface TensorMessage extends WireMessage {}
