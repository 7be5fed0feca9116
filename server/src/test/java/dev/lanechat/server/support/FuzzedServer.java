package dev.lanechat.server.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The server a fuzz test class attacks, with a {@link WellFormedClient} using it the whole time, so
 * that each try can check that ordinary traffic is still served while the fuzzing goes on. Register
 * it on the class ({@code @RegisterExtension static final FuzzedServer fuzzed = ...}): it starts
 * before the class's {@code @BeforeAll} methods, and after the last try it stops the client
 * (failing if it met an error or got no result at all), closes the server and deletes its data dir.
 */
public final class FuzzedServer implements BeforeAllCallback, AfterAllCallback {
    private final String name;
    private Path dataDir;
    private TestServer server;
    private WellFormedClient client;

    /** @param name names the data dir, {@code lanechat-NAME…} */
    public FuzzedServer(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dataDir = Files.createTempDirectory("lanechat-" + name);
        // Send and conversation rates the fuzzing cannot exhaust, so that 2xx and 400s are what is exercised.
        server = TestServer.start(
                dataDir,
                b -> b.sendRate(100_000, 100_000)
                        .conversationRate(100_000, 100_000)
                        .demoDelay(Duration.ofMillis(5)));
        client = new WellFormedClient(server);
        client.start();
    }

    public TestServer server() {
        return server;
    }

    /** Fails if the well-formed client has met an error so far (each try calls it after its attack). */
    public void checkWellFormedClient() {
        client.check();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException, InterruptedException {
        try {
            client.finish();
        } finally {
            server.close();
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
