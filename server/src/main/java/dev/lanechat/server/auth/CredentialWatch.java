package dev.lanechat.server.auth;

import dev.lanechat.server.store.StoreErrors;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a revocation or a log-out reach the connections already open: run every second, it
 * checks the credentials of this node's sockets and long-polls against the store and ends those
 * that stopped working (sockets with the {@code unauthenticated} error and 4401, long-polls with
 * 401). So {@code lanechat users revoke NAME} or a log-out, from any process or node, takes
 * effect within about a second plus the check. Costs nothing when no one is connected (or in open
 * mode), otherwise one query per {@value CredentialCheck#CHUNK} connected users and one per
 * {@value CredentialCheck#CHUNK} cookie sessions. A failed check (store away) is retried the next
 * second; the connections stay open meanwhile.
 */
public final class CredentialWatch implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(CredentialWatch.class);

    private final CredentialCheck check;
    private final CredentialHolder sockets;
    private final CredentialHolder longPolls;

    public CredentialWatch(CredentialCheck check, CredentialHolder sockets, CredentialHolder longPolls) {
        this.check = check;
        this.sockets = sockets;
        this.longPolls = longPolls;
    }

    @Override
    public void run() {
        try {
            Set<Credential> held = new HashSet<>(sockets.held());
            held.addAll(longPolls.held());
            if (held.isEmpty()) {
                return;
            }
            CredentialCheck.Verdict verdict = check.check(held);
            if (verdict.ended().isEmpty()) {
                return;
            }
            Map<String, Integer> closedSockets = sockets.end(verdict.ended());
            Map<String, Integer> endedPolls = longPolls.end(verdict.ended());
            Set<String> users = new TreeSet<>(closedSockets.keySet());
            users.addAll(endedPolls.keySet());
            for (String user : users) {
                int s = closedSockets.getOrDefault(user, 0);
                int p = endedPolls.getOrDefault(user, 0);
                if (verdict.revokedUsers().contains(user)) {
                    log.info("Closed {} socket(s) and {} long-poll(s) of a revoked user {}", s, p, user);
                } else {
                    log.info(
                            "Closed {} socket(s) and {} long-poll(s) of user {}: its session ended or its token changed",
                            s,
                            p,
                            user);
                }
            }
        } catch (RuntimeException e) {
            // Only the failure's kind: a store exception's text may quote the statement and a token's hash.
            log.warn("Credential check failed: {}", StoreErrors.describe(e));
        }
    }
}
