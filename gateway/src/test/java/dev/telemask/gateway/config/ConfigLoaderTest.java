package dev.telemask.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.gateway.logging.LogSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Defaults, file, environment and overrides, and errors that name the key. */
class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void defaultsRunOnTheEmbeddedDatabase() {
        GatewayConfig config = ConfigLoader.load(null, Map.of(), Map.of());
        assertEquals(5027, config.devicePort());
        assertEquals(5027, config.udpPort());
        assertEquals(8080, config.httpPort());
        assertNull(config.databaseUrl());
        assertTrue(config.embeddedDatabase());
        assertEquals(Period.ofMonths(12), config.retention());
        assertEquals(Duration.ofMinutes(10), config.idleTimeout());
        assertEquals(Duration.ofSeconds(10), config.handshakeTimeout());
        assertEquals(64, config.maxConnectionsPerAddress());
        assertTrue(config.deviceAllowedNetworks().isAny(), "every source, until told otherwise");
    }

    @Test
    void theAllowedNetworksComeFromTheEnvironmentAndABadOneStopsStartUp() {
        GatewayConfig config = ConfigLoader.load(null,
                Map.of("TELEMASK_DEVICE_ALLOWED_NETWORKS", "10.64.0.0/10,2001:db8::/32"), Map.of());
        assertEquals("10.64.0.0/10, 2001:db8::/32", config.deviceAllowedNetworks().toString());
        ConfigException bad = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () ->
                ConfigLoader.load(null, Map.of("TELEMASK_DEVICE_ALLOWED_NETWORKS", "10.64.0.0/33"), Map.of()));
        assertEquals("device.allowed-networks: '10.64.0.0/33' needs a prefix length from 0 to 32 after the '/'",
                bad.getMessage());
    }

    @Test
    void theHandshakeDeadlineAndThePerAddressLimitComeFromTheEnvironment() {
        GatewayConfig config = ConfigLoader.load(null, Map.of("TELEMASK_DEVICE_HANDSHAKE_TIMEOUT", "PT3S",
                "TELEMASK_DEVICE_MAX_CONNECTIONS_PER_ADDRESS", "0"), Map.of());
        assertEquals(Duration.ofSeconds(3), config.handshakeTimeout());
        assertEquals(0, config.maxConnectionsPerAddress(), "0 turns the per-address limit off");
    }

    @Test
    void theEnvironmentOverridesTheFileAndOverridesWinOverBoth() throws Exception {
        Path file = dir.resolve("telemask.properties");
        Files.writeString(file, "device.port = 6000\nhttp.port=9000\ndb.url=jdbc:postgresql://db/telemask\n");
        GatewayConfig config = ConfigLoader.load(file, Map.of("TELEMASK_HTTP_PORT", "9100",
                "TELEMASK_WRITER_QUEUE_RECORDS", "5000", "TELEMASK_WRITER_LINGER", "PT0.005S",
                "TELEMASK_WRITER_LINGER_RECORDS", "400"), Map.of("device.port", "7000"));
        assertEquals(7000, config.devicePort());
        assertEquals(9100, config.httpPort());
        assertEquals(5000, config.writerQueueRecords());
        assertEquals(Duration.ofMillis(5), config.writerLinger());
        assertEquals(400, config.writerLingerRecords());
        assertEquals(Duration.ofMillis(5), ConfigLoader.load(null, Map.of(), Map.of()).writerLinger());
        assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("TELEMASK_WRITER_LINGER", "-PT1S"),
                Map.of()));
        assertEquals("jdbc:postgresql://db/telemask", config.databaseUrl());
    }

    @Test
    void logFormatAndLevelsComeFromFileAndEnvironment() throws Exception {
        Path file = dir.resolve("telemask.properties");
        Files.writeString(file, "log.format=json\nlog.level.dev.telemask.gateway.ingest.RefusalLog=error\n");
        GatewayConfig config = ConfigLoader.load(file, Map.of("TELEMASK_LOG_LEVEL", "WARN",
                "TELEMASK_LOG_LEVEL_DEV_TELEMASK_STORAGE", "debug"), Map.of());
        assertEquals(LogSettings.Format.JSON, config.log().format());
        assertEquals("warn", config.log().level());
        assertEquals(Map.of("dev.telemask.storage", "debug", "dev.telemask.gateway.ingest.RefusalLog", "error"),
                config.log().loggers());

        GatewayConfig defaults = ConfigLoader.load(null, Map.of(), Map.of());
        assertEquals(LogSettings.DEFAULT, defaults.log());
    }

    @Test
    void aBadLogLevelOrFormatNamesItsKey() {
        ConfigException level = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                Map.of("TELEMASK_LOG_LEVEL_ORG_FLYWAYDB", "loud"), Map.of()));
        assertTrue(level.getMessage().startsWith("log.level.org.flywaydb must be one of"), level.getMessage());
        ConfigException format = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(),
                Map.of("log.format", "xml")));
        assertEquals("log.format must be text or json, was 'xml'", format.getMessage());
    }

    @Test
    void httpsNeedsBothFiles() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null,
                Map.of("TELEMASK_HTTP_TLS_CERTIFICATE", "/etc/telemask/http.crt"), Map.of()));
        assertEquals("http.tls.certificate and http.tls.key go together: set both or neither", e.getMessage());
        GatewayConfig config = ConfigLoader.load(null, Map.of("TELEMASK_HTTP_TLS_CERTIFICATE", "/etc/telemask/http.crt",
                "TELEMASK_HTTP_TLS_KEY", "/etc/telemask/http.key"), Map.of());
        assertTrue(config.httpTlsEnabled());
        assertEquals(Duration.ofSeconds(10), config.httpTlsReloadInterval());
    }

    @Test
    void environmentNamesFollowTheKeys() {
        assertEquals("TELEMASK_DEVICE_MAX_FRAME_LENGTH", ConfigLoader.environmentName("device.max-frame-length"));
        assertEquals("TELEMASK_DEVICE_TLS_CERTIFICATE", ConfigLoader.environmentName("device.tls.certificate"));
    }

    @Test
    void anUnknownKeyInTheFileIsAnErrorNamingIt() throws Exception {
        Path file = dir.resolve("typo.properties");
        Files.writeString(file, "device.prot=6000\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("device.prot"), e.getMessage());
    }

    @Test
    void badValuesAreErrorsNamingTheKey() {
        assertMessage("device.port", Map.of("device.port", "http"));
        assertMessage("device.port", Map.of("device.port", "70000"));
        assertMessage("device.idle-timeout", Map.of("device.idle-timeout", "10 minutes"));
        assertMessage("retention.period", Map.of("retention.period", "P0D"));
        assertMessage("device.auto-register", Map.of("device.auto-register", "maybe"));
        assertMessage("device.tls", Map.of("device.tls.certificate", "/etc/cert.pem"));
        assertMessage("db.pool-size", Map.of("db.pool-size", "2"));
        assertMessage("device.handshake-timeout", Map.of("device.handshake-timeout", "PT0S"));
        assertMessage("device.max-connections-per-address", Map.of("device.max-connections-per-address", "-1"));
        assertMessage("device.transport", Map.of("device.transport", "kqueue"));
    }

    private static void assertMessage(String fragment, Map<String, String> overrides) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(), overrides));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void aMistypedVariableIsNamedWithTheOneItProbablyMeant() {
        java.util.List<String> warnings = ConfigLoader.unknownVariables(Map.of("TELEMASK_HTTP_PROT", "9090",
                "TELEMASK_HTTP_PORT", "8081", "TELEMASK_JAVA_HOME", "/opt/jdk", "TELEMASK_LOG_LEVEL_DEV_TELEMASK", "debug",
                "PATH", "/usr/bin"));
        assertEquals(java.util.List.of("environment variable TELEMASK_HTTP_PROT sets nothing and is ignored; did you"
                + " mean TELEMASK_HTTP_PORT?"), warnings);
    }
}
