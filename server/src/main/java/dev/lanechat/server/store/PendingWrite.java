package dev.lanechat.server.store;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A write queued without waiting, which its caller may take back until it begins (issue 15: a
 * task's start, made moot when its completion is queued first and starts it itself).
 *
 * @param future completes after the commit of the write (null when it was withdrawn), or fails
 * @param withdraw true when the write was taken back and will never run; false when it began (or
 *     ran already, as on PostgreSQL, where nothing waits in a queue)
 */
public record PendingWrite<R>(CompletableFuture<R> future, BooleanSupplier withdraw) {}
