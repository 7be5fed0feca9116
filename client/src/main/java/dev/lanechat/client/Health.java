// Wire object: the answer of GET /api/health.
package dev.lanechat.client;

/**
 * The server's health, as {@code GET /api/health} reports it.
 *
 * @param status {@code "ok"}, or {@code "degraded"} when the store cannot be reached
 * @param version the server's version
 * @param nodeId the id of the server node that answered
 * @param store {@code "sqlite"} or {@code "postgres"}
 */
public record Health(String status, String version, String nodeId, String store) {
    /** @return whether the server reported {@code "ok"} */
    public boolean ok() {
        return "ok".equals(status);
    }
}
