package io.partnner.runtime.wire;

/**
 * A receiver took on the request a bulk frame was for: its load at that moment.
 *
 * @param queueLength requests waiting or in service there
 * @param meanServiceNanos their recent mean service time
 */
public record BulkAck(int queueLength, long meanServiceNanos) {}
