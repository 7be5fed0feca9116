package dev.lanechat.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanechat.server.config.Config;
import dev.lanechat.server.config.ConfigException;
import dev.lanechat.server.config.ConfigParser;
import dev.lanechat.server.config.DemoLane;
import dev.lanechat.server.config.LaneSpec;
import dev.lanechat.server.config.LanesFile;
import dev.lanechat.server.config.OpenAiLane;
import dev.lanechat.server.config.WorkerLane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lanes file: the issue's example, defaults, and a clear line-and-field message for each mistake. */
class LanesFileTest {
    static final String EXAMPLE = """
            lanes:
              - name: ext
                processor: worker        # served by external workers over HTTP
                concurrency: 4
              - name: gpt
                processor: openai
                base_url: https://api.openai.com/v1   # any OpenAI-compatible endpoint
                api_key_env: OPENAI_API_KEY
                model: gpt-4o-mini
                price_per_million: { input: 0.15, output: 0.60 }
                timeout_s: 120
                attempts: 3
                default: true
              - name: demo
                processor: demo
                delay_ms: 10
            """;

    @Test
    void readsTheIssuesExample() {
        List<LaneSpec> lanes = LanesFile.parse("lanes.yaml", EXAMPLE, Map.of("OPENAI_API_KEY", "sk-test"));
        assertThat(lanes).extracting(LaneSpec::name).containsExactly("ext", "gpt", "demo");
        assertThat(lanes.get(0)).isInstanceOf(WorkerLane.class);
        WorkerLane ext = (WorkerLane) lanes.get(0);
        assertThat(ext.basics().concurrency()).isEqualTo(4);
        assertThat(ext.isDefault()).isFalse();
        assertThat(ext.maxContextTokens()).isNull();
        OpenAiLane gpt = (OpenAiLane) lanes.get(1);
        assertThat(gpt.isDefault()).isTrue();
        assertThat(gpt.baseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(gpt.apiKey()).isEqualTo("sk-test");
        assertThat(gpt.priceInputPerMillion()).isEqualTo(0.15);
        assertThat(gpt.priceOutputPerMillion()).isEqualTo(0.60);
        assertThat(gpt.timeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(gpt.basics().attempts()).isEqualTo(3);
        assertThat(gpt.maxContextTokens()).isNull();
        assertThat(gpt.toString()).doesNotContain("sk-test");
        DemoLane demo = (DemoLane) lanes.get(2);
        assertThat(demo.delay()).isEqualTo(Duration.ofMillis(10));
        assertThat(demo.basics().attempts()).isNull();
    }

    @Test
    void aLoneLaneIsTheDefaultAndAMissingKeyVariableSendsNoKey() {
        List<LaneSpec> lanes = LanesFile.parse("l.yaml", """
                lanes:
                  - name: local
                    processor: openai
                    base_url: http://localhost:11434/v1
                    api_key_env: NOT_SET_ANYWHERE
                    model: llama3.2
                """, Map.of());
        assertThat(lanes.get(0).isDefault()).isTrue();
        assertThat(((OpenAiLane) lanes.get(0)).apiKey()).isNull();
    }

    @Test
    void maxContextTokensIsReadForOpenAiAndWorkerLanesAndABadValueNamesItsLine() {
        List<LaneSpec> lanes = LanesFile.parse("l.yaml", """
                lanes:
                  - name: gpt
                    processor: openai
                    base_url: https://api.openai.com/v1
                    model: gpt-4o-mini
                    max_context_tokens: 32000
                    default: true
                  - name: ext
                    processor: worker
                    max_context_tokens: 4096
                """, Map.of());
        assertThat(((OpenAiLane) lanes.get(0)).maxContextTokens()).isEqualTo(32_000);
        assertThat(((WorkerLane) lanes.get(1)).maxContextTokens()).isEqualTo(4096);
        String lane = """
                lanes:
                  - name: gpt
                    processor: openai
                    base_url: https://api.openai.com/v1
                    model: gpt-4o-mini
                    max_context_tokens: %s
                """;
        for (String bad : List.of("0", "-5", "lots", "8192.5", "99999999999999999999", "[1]")) {
            assertError(
                    lane.formatted(bad),
                    "lanes.yaml line 6: lanes[0].max_context_tokens must be a whole number"
                            + " from 1 to 100000000, not ");
        }
        assertError(
                """
                lanes:
                  - name: a
                    processor: demo
                    max_context_tokens: 100
                """,
                "lanes.yaml line 4: lanes[0].max_context_tokens is only for processor: openai or worker"
                        + " (this lane is demo)");
    }

    @Test
    void eachMistakeNamesItsLineAndField() {
        assertError("""
                lanes:
                  - name: a
                    processor: demo
                    default: true
                  - name: b
                    processor: gpt
                """, "lanes.yaml line 6: lanes[1].processor must be demo, openai or worker, not 'gpt'");
        assertError("""
                lanes:
                  - name: a
                    processor: openai
                    model: m
                """, "lanes.yaml line 2: lanes[0].base_url is required");
        assertError("""
                lanes:
                  - name: a
                    processor: worker
                    concurrency: zero
                """, "lanes.yaml line 4: lanes[0].concurrency must be a whole number from 1 to 1000, not 'zero'");
        assertError("""
                lanes:
                  - name: a
                    processor: demo
                    modle: x
                """, "lanes.yaml line 4: lanes[0].modle is not a known field");
        assertError("""
                lanes:
                  - name: a
                    processor: demo
                    base_url: http://x
                """, "lanes.yaml line 4: lanes[0].base_url is only for processor: openai");
        assertError("""
                lanes:
                  - name: a
                    processor: demo
                    default: true
                  - name: b
                    processor: demo
                    default: true
                """, "lanes.yaml line 5: lanes 'a' and 'b' both say default: true");
        assertError("""
                lanes:
                  - name: a
                    processor: demo
                  - name: b
                    processor: demo
                """, "no lane says default: true");
        assertError("""
                lanes:
                  - name: a
                    processor: demo
                    default: true
                  - name: a
                    processor: worker
                """, "lanes.yaml line 5: lanes[1].name 'a' is used by another lane already");
        assertError("""
                lanes:
                  - name: g
                    processor: openai
                    base_url: api.openai.com
                    model: m
                """, "lanes.yaml line 4: lanes[0].base_url must be an http:// or https:// URL");
        assertError("""
                lanes:
                  - name: g
                    processor: openai
                    base_url: https://api.openai.com/v1
                    model: m
                    price_per_million: { input: cheap }
                """, "lanes.yaml line 6: lanes[0].price_per_million.input must be a number");
        assertError("""
                lanes:
                  - name: g
                    processor: openai
                    base_url: https://api.openai.com/v1
                    model: m
                    api_key_env: sk-abc123
                """, "lanes.yaml line 6: lanes[0].api_key_env is the NAME of an environment variable");
        assertError("lanes: []\n", "lanes.yaml line 1: lanes must be a list with at least one lane");
        assertError("lane:\n  - name: a\n", "lanes.yaml line 1: 'lane' is not a known field");
        assertError("lanes:\n  - name: a\n    processor: [demo\n", "lanes.yaml line");
    }

    @Test
    void theFlagLoadsTheFileAndABadFileStopsTheServerAtStart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("lanes.yaml");
        Files.writeString(file, EXAMPLE);
        Config config = ConfigParser.parse(List.of("--lanes", file.toString()), Map.of());
        assertThat(config.lanes()).extracting(LaneSpec::name).containsExactly("ext", "gpt", "demo");
        Config fromEnv = ConfigParser.parse(List.of(), Map.of("LANECHAT_LANES", file.toString()));
        assertThat(fromEnv.lanes()).hasSize(3);
        assertThat(ConfigParser.parse(List.of(), Map.of()).lanes())
                .extracting(LaneSpec::name)
                .containsExactly("demo");

        Files.writeString(file, "lanes:\n  - name: a\n    processor: demo\n    attempts: 0\n");
        assertThatThrownBy(() -> ConfigParser.parse(List.of("--lanes", file.toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("lanes.yaml line 4: lanes[0].attempts must be a whole number from 1 to 100, not 0");
        assertThatThrownBy(() -> ConfigParser.parse(
                        List.of("--lanes", dir.resolve("nope.yaml").toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("no such file");
    }

    private static void assertError(String yaml, String expected) {
        assertThatThrownBy(() -> LanesFile.parse("lanes.yaml", yaml, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(expected)
                .satisfies(e ->
                        assertThat(e.getMessage()).doesNotContain("Exception").doesNotContain("\tat "));
    }
}
