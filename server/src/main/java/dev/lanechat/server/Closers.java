package dev.lanechat.server;

import dev.lanechat.server.store.StoreErrors;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server holds, each added as it is opened or started and released in reverse: so the
 * same list undoes a start that failed half-way and stops a running server, and whatever depends
 * on a thing is released before it. A closer that fails is logged in one line and the others
 * still run; the first failure is rethrown at the end.
 */
final class Closers {
    private static final Logger log = LoggerFactory.getLogger(Closers.class);
    /** A release slower than this is named in the closing log line. */
    private static final long SLOW_MS = 100;

    private record Named(String name, AutoCloseable closer) {}

    private final Deque<Named> held = new ArrayDeque<>();

    /** Adds {@code thing} under {@code name} (as logs call it) and returns it; null is skipped. */
    <T extends AutoCloseable> T add(String name, T thing) {
        if (thing != null) {
            synchronized (held) {
                held.push(new Named(name, thing));
            }
        }
        return thing;
    }

    /** Releases everything added, the last added first; each once, however often this is called. */
    void closeAll() {
        RuntimeException first = null;
        long t0 = System.nanoTime();
        java.util.List<String> slow = new java.util.ArrayList<>();
        for (Named next; (next = next()) != null; ) {
            long started = System.nanoTime();
            try {
                next.closer().close();
                long ms = (System.nanoTime() - started) / 1_000_000;
                if (ms >= SLOW_MS) {
                    slow.add(next.name() + " " + ms + " ms");
                }
            } catch (Exception e) {
                log.warn("Closing the {} failed: {}", next.name(), StoreErrors.describeWithPlace(e));
                if (first == null) {
                    first = e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (!slow.isEmpty()) {
            log.info(
                    "Released everything in {} ms; what took longest: {}",
                    (System.nanoTime() - t0) / 1_000_000,
                    String.join(", ", slow));
        }
        if (first != null) {
            throw first;
        }
    }

    /** After a failed start: releases everything, and adds any failure to {@code cause}. */
    void closeAfter(Throwable cause) {
        try {
            closeAll();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private Named next() {
        synchronized (held) {
            return held.poll();
        }
    }
}
