package dev.lanechat.server.tasks;

import java.util.function.ToLongFunction;
import org.jdbi.v3.core.Jdbi;

/** How many tasks wait on a lane, read from the store at each scrape (the metrics' gauge). */
public final class QueueDepth implements ToLongFunction<String> {
    private final Jdbi jdbi;

    public QueueDepth(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public long applyAsLong(String lane) {
        return jdbi.withHandle(h -> TaskRepository.queuedOn(h, lane));
    }
}
