package dev.lanechat.server.lanes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The lanes this server offers, in the order they were configured; exactly one is the default. */
public final class Lanes {
    private final Map<String, Lane> byName = new LinkedHashMap<>();
    private final Lane defaultLane;

    public Lanes(List<Lane> lanes) {
        lanes.forEach(lane -> byName.put(lane.name(), lane));
        List<Lane> defaults = lanes.stream().filter(Lane::isDefault).toList();
        if (defaults.size() != 1) {
            throw new IllegalArgumentException("exactly one lane must be the default, not " + defaults.size());
        }
        defaultLane = defaults.get(0);
    }

    public List<Lane> all() {
        return List.copyOf(byName.values());
    }

    public Optional<Lane> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Lane defaultLane() {
        return defaultLane;
    }
}
