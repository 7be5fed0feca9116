// The JSON mapping every part of the client shares: snake_case field names, ISO-8601 instants,
// and tolerance of fields this version does not know (the protocol may add fields).
package dev.lanechat.client;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Factory for the {@link ObjectMapper} configured for Lanechat's wire format. */
public final class Json {
    private Json() {}

    /**
     * Returns a new mapper for Lanechat JSON: snake_case properties, unknown properties ignored,
     * nulls left out when writing, {@link Instant} read from ISO-8601 strings.
     *
     * @return a new, independently configurable mapper
     */
    public static ObjectMapper newMapper() {
        // Instants are read by a tiny deserializer instead of jackson-datatype-jsr310, to keep the
        // client's footprint at jackson-databind alone.
        SimpleModule time = new SimpleModule("lanechat-time");
        time.addDeserializer(Instant.class, new InstantDeserializer());
        time.addSerializer(Instant.class, new com.fasterxml.jackson.databind.ser.std.ToStringSerializer());
        return JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .addModule(time)
                .build();
    }

    private static final class InstantDeserializer extends JsonDeserializer<Instant> {
        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            if (text == null || text.isBlank()) {
                return null;
            }
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException notZulu) {
                // A server may write an explicit offset (+00:00) rather than Z.
                return OffsetDateTime.parse(text).toInstant();
            }
        }
    }
}
