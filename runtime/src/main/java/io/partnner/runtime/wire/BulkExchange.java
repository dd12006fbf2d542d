package io.partnner.runtime.wire;

import java.util.concurrent.CompletableFuture;

/**
 * One frame sent on the bulk lane and what comes back for it: the receiver's acknowledgement that the request was
 * taken on, then its reply. Either stage fails with a {@link WireFormatException} naming the peer and the reason
 * when it cannot come (the frame was refused or not written, the connection broke, or it took too long).
 *
 * @param acknowledged completes with the receiver's acknowledgement
 * @param replied completes with the receiver's reply
 */
public record BulkExchange(CompletableFuture<BulkAck> acknowledged, CompletableFuture<BulkReply> replied) {}
