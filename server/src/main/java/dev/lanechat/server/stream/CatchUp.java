package dev.lanechat.server.stream;

import dev.lanechat.server.events.EventLog;
import dev.lanechat.server.events.EventWaiters;

/**
 * The safety net under other nodes' NOTIFY, run each second on PostgreSQL: sockets and long-polls
 * whose user has a newer event in the store than they were handed get it now, about a second late
 * instead of never (or at the long-poll's timeout). On SQLite nothing but this process writes
 * events, and it hands each to its sockets after the commit, so there is nothing to catch up on
 * (issue 15: it was a query over every connected user each second).
 */
public final class CatchUp implements Runnable {
    private final Hub hub;
    private final EventWaiters waiters;
    private final EventLog eventLog;

    public CatchUp(Hub hub, EventWaiters waiters, EventLog eventLog) {
        this.hub = hub;
        this.waiters = waiters;
        this.eventLog = eventLog;
    }

    @Override
    public void run() {
        hub.catchUp();
        waiters.catchUp(eventLog::newestIds);
    }
}
