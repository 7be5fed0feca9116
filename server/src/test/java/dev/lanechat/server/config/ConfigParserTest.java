package dev.lanechat.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code serve} flags over {@code LANECHAT_*} variables over the defaults; bad values say what is wrong. */
class ConfigParserTest {

    @Test
    void nothingGivenIsTheDefaults() {
        Config config = ConfigParser.parse(List.of(), Map.of());
        assertThat(config).isEqualTo(Config.defaults());
        assertThat(config.bind()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.dataDir()).isEqualTo(Path.of("data"));
        assertThat(config.db()).isNull();
        assertThat(config.maxContentBytes()).isEqualTo(32 * 1024);
        assertThat(config.maxBodyBytes()).isEqualTo(64 * 1024);
    }

    @Test
    void environmentOverridesDefaults() {
        Config config = ConfigParser.parse(
                List.of(),
                Map.of(
                        "LANECHAT_PORT",
                        "9001",
                        "LANECHAT_DATA_DIR",
                        "/srv/lc",
                        "LANECHAT_DEMO_DELAY_MS",
                        "25",
                        "LANECHAT_DB",
                        "jdbc:sqlite:/tmp/x.db",
                        "UNRELATED",
                        "x"));
        assertThat(config.port()).isEqualTo(9001);
        assertThat(config.dataDir()).isEqualTo(Path.of("/srv/lc"));
        assertThat(config.demoDelay()).isEqualTo(Duration.ofMillis(25));
        assertThat(config.db()).isEqualTo("jdbc:sqlite:/tmp/x.db");
        assertThat(config.bind()).isEqualTo("127.0.0.1");
    }

    @Test
    void quotasHaveNoLimitByDefaultAndComeFromFlagsOrTheEnvironment() {
        assertThat(ConfigParser.parse(List.of(), Map.of()).quota()).isEqualTo(Quota.NONE);
        Config config = ConfigParser.parse(
                List.of("--quota-usd-per-month", "2.50"),
                Map.of("LANECHAT_QUOTA_MESSAGES_PER_DAY", "40", "LANECHAT_QUOTA_USD_PER_MONTH", "9"));
        assertThat(config.quota()).isEqualTo(new Quota(40L, 2.5));
        assertThatThrownBy(() -> ConfigParser.parse(List.of("--quota-usd-per-month", "lots"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--quota-usd-per-month")
                .hasMessageContaining("lots");
        assertThatThrownBy(() -> ConfigParser.parse(List.of("--quota-messages-per-day", "-1"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("between 0 and");
    }

    @Test
    void blankEnvironmentValuesAreIgnored() {
        assertThat(ConfigParser.parse(List.of(), Map.of("LANECHAT_PORT", "  ")).port())
                .isEqualTo(8080);
    }

    @Test
    void flagsOverrideEnvironmentInBothSpellings() {
        Map<String, String> env =
                Map.of("LANECHAT_PORT", "9001", "LANECHAT_BIND", "0.0.0.0", "LANECHAT_MAX_ATTEMPTS", "7");
        Config config = ConfigParser.parse(List.of("--port", "9002", "--bind=127.0.0.2", "--lease-s", "5"), env);
        assertThat(config.port()).isEqualTo(9002);
        assertThat(config.bind()).isEqualTo("127.0.0.2");
        assertThat(config.lease()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.maxAttempts()).isEqualTo(7);
        assertThat(ConfigParser.parse(List.of("--port=0"), env).port()).isZero();
    }

    @Test
    void aNonNumberIsRefusedNamingTheOptionAndTheValue() {
        assertThatThrownBy(() -> ConfigParser.parse(List.of("--port", "abc"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--port")
                .hasMessageContaining("whole number")
                .hasMessageContaining("abc");
        assertThatThrownBy(() -> ConfigParser.parse(List.of(), Map.of("LANECHAT_DEMO_DELAY_MS", "soon")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("demo-delay")
                .hasMessageContaining("soon");
    }

    @Test
    void anOutOfRangeNumberIsRefusedWithTheRange() {
        assertThatThrownBy(() -> ConfigParser.parse(List.of("--port", "70000"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--port")
                .hasMessageContaining("65535")
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> ConfigParser.parse(List.of("--demo-delay-ms=-5"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--demo-delay-ms");
        assertThatThrownBy(() -> ConfigParser.parse(List.of("--max-attempts", "0"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--max-attempts");
    }

    @Test
    void theDatabasePoolIsSixteenUnlessToldAndAtLeastTwo() {
        assertThat(ConfigParser.parse(List.of(), Map.of()).dbPool()).isEqualTo(16);
        assertThat(ConfigParser.parse(List.of("--db-pool", "4"), Map.of()).dbPool())
                .isEqualTo(4);
        assertThat(ConfigParser.parse(List.of(), Map.of("LANECHAT_DB_POOL", "6"))
                        .dbPool())
                .isEqualTo(6);
        assertThatThrownBy(() -> ConfigParser.parse(List.of("--db-pool", "1"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--db-pool")
                .hasMessageContaining("1");
    }

    @Test
    void anUnknownOptionOrAMissingValueIsRefused() {
        assertThatThrownBy(() -> ConfigParser.parse(List.of("--prot", "80"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--prot")
                .hasMessageContaining("--help");
        assertThatThrownBy(() -> ConfigParser.parse(List.of("--port"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--port")
                .hasMessageContaining("value");
        assertThatThrownBy(() -> ConfigParser.parse(List.of("8080"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("8080");
    }

    @Test
    void helpListsEachFlagWithItsVariable() {
        String help = ConfigParser.help();
        for (String[] pair : new String[][] {
            {"--port", "LANECHAT_PORT"},
            {"--bind", "LANECHAT_BIND"},
            {"--data-dir", "LANECHAT_DATA_DIR"},
            {"--db", "LANECHAT_DB"},
            {"--db-pool", "LANECHAT_DB_POOL"},
            {"--demo-delay-ms", "LANECHAT_DEMO_DELAY_MS"}
        }) {
            assertThat(help).contains(pair[0]).contains(pair[1]);
        }
    }
}
