// The connection status the stream reports, from the API health check and the socket.
package dev.lanechat.client;

/** How connected a {@link LanechatStream} is. */
public enum ConnectionStatus {
    /** The API health check passes and the socket is subscribed. */
    FULL,
    /** One of the two is up: results still arrive, by polling or over the socket. */
    PARTIAL,
    /** Neither is up; pending results arrive once the server is back. */
    DISCONNECTED;

    static ConnectionStatus of(boolean apiUp, boolean socketUp) {
        if (apiUp && socketUp) {
            return FULL;
        }
        return apiUp || socketUp ? PARTIAL : DISCONNECTED;
    }
}
