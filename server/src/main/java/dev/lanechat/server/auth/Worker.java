package dev.lanechat.server.auth;

import java.util.Set;

/**
 * A caller of the worker API: the worker identity its token belongs to, and the lanes it may
 * serve ({@code users add NAME --worker --lanes a,b}); {@code lanes} is null for every lane (a
 * worker made without {@code --lanes}, and anyone in open mode).
 */
public record Worker(String id, String name, Set<String> lanes) {
    public Worker {
        lanes = lanes == null ? null : Set.copyOf(lanes);
    }

    /** The one caller of open mode: it may serve every lane. */
    static Worker open() {
        return new Worker(null, Users.LOCAL_USER_NAME, null);
    }

    /** Whether this worker may claim, and act on the tasks of, {@code lane}. */
    public boolean mayServe(String lane) {
        return lanes == null || lanes.contains(lane);
    }
}
