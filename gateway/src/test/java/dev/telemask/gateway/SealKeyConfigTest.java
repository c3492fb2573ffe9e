package dev.telemask.gateway;

import dev.telemask.gateway.config.ConfigException;
import dev.telemask.gateway.config.ConfigLoader;
import dev.telemask.gateway.config.GatewayConfig;
import dev.telemask.storage.SealingKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the gateway takes its seal keys from, and how a bad key file stops start-up. */
class SealKeyConfigTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @TempDir
    Path dir;

    private GatewayConfig config(Map<String, String> environment) {
        return ConfigLoader.load(null, environment, Map.of("db.embedded-dir", dir.resolve("data/postgres").toString()));
    }

    @Test
    void theEmbeddedDatabaseGetsAKeyFileBesideItsDataDirectoryNotInIt() {
        SealingKeys keys = Gateway.sealingKeys(config(Map.of()));
        Path file = dir.resolve("data/postgres.seal.key");
        assertTrue(Files.isRegularFile(file), "created beside the data directory");
        assertFalse(Files.exists(dir.resolve("data/postgres")), "nothing created inside the database's directory");
        assertEquals(keys.sealingKeyId(), Gateway.sealingKeys(config(Map.of())).sealingKeyId(), "read again next start");
    }

    @Test
    void aKeyFileOrTheEnvironmentKeyIsUsedWhenGiven() throws Exception {
        Path file = dir.resolve("seal.key");
        Files.writeString(file, "new " + KEY + "\nold " + KEY + "\n");
        assertEquals("new", Gateway.sealingKeys(config(Map.of("TELEMASK_SEAL_KEY_FILE", file.toString())))
                .sealingKeyId());
        assertEquals("env", Gateway.sealingKeys(config(Map.of("TELEMASK_SEAL_KEY", KEY))).sealingKeyId());
        assertThrows(ConfigException.class,
                () -> config(Map.of("TELEMASK_SEAL_KEY", KEY, "TELEMASK_SEAL_KEY_FILE", file.toString())));
    }

    @Test
    void aBadKeyFileStopsStartUpNamingTheLine() throws Exception {
        Path file = dir.resolve("seal.key");
        Files.writeString(file, "k1 " + KEY + "\nk2 tooShort\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> Gateway.sealingKeys(config(Map.of("TELEMASK_SEAL_KEY_FILE", file.toString()))));
        assertTrue(e.getMessage().startsWith(file + " line 2:"), e.getMessage());
    }
}
