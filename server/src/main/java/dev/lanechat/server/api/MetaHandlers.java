package dev.lanechat.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.lanechat.server.lanes.Lanes;
import dev.lanechat.server.store.Database;
import io.javalin.http.Context;
import java.util.Map;

/** Health and the lane list. */
final class MetaHandlers {
    record LaneView(String name, String model, String description, @JsonProperty("default") boolean isDefault) {}

    private final Database database;
    private final Lanes lanes;
    private final String version;
    private final String nodeId;

    MetaHandlers(Database database, Lanes lanes, String version, String nodeId) {
        this.database = database;
        this.lanes = lanes;
        this.version = version;
        this.nodeId = nodeId;
    }

    void health(Context ctx) {
        boolean up = database.reachable();
        ctx.status(up ? 200 : 503).json(Map.of(
                "status", up ? "ok" : "degraded",
                "version", version,
                "node_id", nodeId,
                "store", database.dialect().storeName()));
    }

    void lanes(Context ctx) {
        ctx.json(lanes.all().stream()
                .map(l -> new LaneView(l.name(), l.model(), l.description(), l.isDefault()))
                .toList());
    }
}
