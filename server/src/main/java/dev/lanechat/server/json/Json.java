package dev.lanechat.server.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Builds the server's one JSON mapper: snake_case names from record components (the wire format
 * of protocol.md), strict about trailing garbage. Main makes one and hands it to whoever needs it.
 *
 * <p>Its parse and write buffers come from a pool of {@link #POOLED_BUFFERS}, not one set per
 * thread: Jackson's default keeps an 8 KB {@code char[]} (and more) for each thread that ever
 * parsed, and after a connect burst every one of Jetty's ~170 pool threads had parsed a subscribe
 * frame; a heap dump put 320-510 B of each idle socket's measured heap there
 * (bench/HEAP-PER-SOCKET.md).
 */
public final class Json {
    /** More than the threads that parse or write at the same moment; past it, buffers are made and dropped. */
    static final int POOLED_BUFFERS = 32;

    private Json() {}

    public static ObjectMapper newMapper() {
        JsonFactory factory = JsonFactory.builder()
                .recyclerPool(JsonRecyclerPools.newBoundedPool(POOLED_BUFFERS))
                .build();
        return JsonMapper.builder(factory)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }
}
