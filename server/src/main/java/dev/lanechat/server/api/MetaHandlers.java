package dev.lanechat.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanechat.server.lanes.Lanes;
import dev.lanechat.server.store.Database;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** Health and the lane list. */
final class MetaHandlers {
    record LaneView(
            String name,
            String model,
            String description,
            @JsonProperty("default") boolean isDefault) {}

    private final Database database;
    private final Lanes lanes;
    private final String version;
    private final String nodeId;
    private final String oidcProvider;

    /** @param oidcProvider the single sign-on provider's name for the sign-in page, or null without one */
    MetaHandlers(Database database, Lanes lanes, String version, String nodeId, String oidcProvider) {
        this.database = database;
        this.lanes = lanes;
        this.version = version;
        this.nodeId = nodeId;
        this.oidcProvider = oidcProvider;
    }

    void health(Context ctx) {
        boolean up = database.reachable();
        Map<String, Object> body = new LinkedHashMap<>(Map.of(
                "status",
                up ? "ok" : "degraded",
                "version",
                version,
                "node_id",
                nodeId,
                "store",
                database.dialect().storeName()));
        if (oidcProvider != null) {
            body.put("oidc", Map.of("provider", oidcProvider, "start_url", "/api/auth/oidc/start"));
        }
        ctx.status(up ? 200 : 503).json(body);
    }

    void lanes(Context ctx) {
        ctx.json(lanes.all().stream()
                .map(l -> new LaneView(l.name(), l.model(), l.description(), l.isDefault()))
                .toList());
    }
}
