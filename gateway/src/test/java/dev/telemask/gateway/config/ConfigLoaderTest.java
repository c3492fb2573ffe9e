package dev.telemask.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                "TELEMASK_WRITER_QUEUE_RECORDS", "5000"), Map.of("device.port", "7000"));
        assertEquals(7000, config.devicePort());
        assertEquals(9100, config.httpPort());
        assertEquals(5000, config.writerQueueRecords());
        assertEquals("jdbc:postgresql://db/telemask", config.databaseUrl());
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
    }

    private static void assertMessage(String fragment, Map<String, String> overrides) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(), overrides));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
