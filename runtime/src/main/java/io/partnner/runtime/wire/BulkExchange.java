package io.partnner.runtime.wire;

import java.util.concurrent.CompletableFuture;

/**
 * One frame sent on the bulk lane and what comes back for it: the receiver's acknowledgement that the request was
 * taken on, then its reply. Both stages fail with a {@link BulkRefusedException} carrying the receiver's reason when
 * it refused the request, or with a {@link WireFormatException} naming the peer and the reason when the answer cannot
 * come (the frame was not written, the connection broke, or it took too long).
 *
 * @param acknowledged completes with the receiver's acknowledgement
 * @param replied completes with the receiver's reply
 */
public record BulkExchange(CompletableFuture<BulkAck> acknowledged, CompletableFuture<BulkReply> replied) {}
