package dev.lanechat.server.support;

import dev.lanechat.server.config.LaneSpec;
import dev.lanechat.server.config.LanesFile;
import java.util.List;
import java.util.Map;

/** Lanes files that several tests share, parsed the way the server parses a real one. */
public final class TestLanes {
    private TestLanes() {}

    /** The demo lane (default) and {@code ext}, served by external workers. */
    public static List<LaneSpec> demoAndWorker() {
        return LanesFile.parse("lanes.yaml", """
                lanes:
                  - name: demo
                    processor: demo
                    default: true
                  - name: ext
                    processor: worker
                """, Map.of());
    }
}
