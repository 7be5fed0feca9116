package dev.lanechat.server.auth;

import java.util.Map;
import java.util.Set;

/** Connections that stay open on the credentials they were opened with: this node's sockets, or its long-polls. */
public interface CredentialHolder {

    /** The credentials of the connections open now. */
    Set<Credential> held();

    /** Ends every connection opened with one of {@code ended}; returns how many it ended, by user id. */
    Map<String, Integer> end(Set<Credential> ended);
}
