package dev.telemask.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.gateway.config.ConfigException;
import dev.telemask.gateway.config.ConfigLoader;
import dev.telemask.gateway.config.GatewayConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code token} and {@code migrate} take {@code serve}'s {@code --config} and refuse to make a new embedded database
 * by accident; {@code --init} allows it.
 */
class DatabaseToolArgumentsTest {
    @TempDir
    Path directory;

    @Test
    void configAndInitReachTheDatabaseOfEveryTool() {
        List<String> asked = new java.util.ArrayList<>();
        ToolDatabases recording = (config, init, command) -> {
            asked.add(command + " " + config + " " + init);
            throw new ConfigException("stop here");
        };
        java.io.PrintStream quiet = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        assertEquals(2, Main.run(recording, quiet, quiet, "token", "create", "--config", "gw.properties", "--tenant",
                "demo", "--init", "--role", "admin"));
        assertEquals(2, Main.run(recording, quiet, quiet, "migrate"));
        assertEquals(2, Main.run(recording, quiet, quiet, "tenant", "list", "--config", "x.properties"));
        assertEquals(List.of("token gw.properties true", "migrate null false", "tenant x.properties false"), asked);
        assertEquals(2, Main.run(recording, quiet, quiet, "migrate", "--config"), "--config needs a file");
    }

    @Test
    void aMissingEmbeddedDatabaseIsNamedWithWhatToDo() {
        Path data = directory.resolve("elsewhere/postgres");
        GatewayConfig config = embeddedIn(data);

        ConfigException e = assertThrows(ConfigException.class, () -> ExistingDatabase.require(config, false, "token"));
        assertTrue(e.getMessage().startsWith("no embedded database at " + data.toAbsolutePath()), e.getMessage());
        assertTrue(e.getMessage().contains("same --config FILE"), e.getMessage());
        assertTrue(e.getMessage().contains("add --init to create a new embedded database here"), e.getMessage());

        ExistingDatabase.require(config, true, "token"); // --init: go ahead
    }

    @Test
    void anExistingEmbeddedDatabaseOrAnExternalOnePasses() throws IOException {
        Path data = Files.createDirectories(directory.resolve("postgres"));
        Files.writeString(data.resolve("PG_VERSION"), "17\n");
        ExistingDatabase.require(embeddedIn(data), false, "migrate");

        GatewayConfig external = ConfigLoader.load(null, Map.of(), Map.of("db.url", "jdbc:postgresql://db:5432/t",
                "db.embedded-dir", directory.resolve("none").toString()));
        ExistingDatabase.require(external, false, "migrate");
    }

    @Test
    void theTokenCommandReadsServesConfigFileAndCreatesNoDatabase() throws IOException {
        Path data = directory.resolve("data/postgres");
        Path file = Files.writeString(directory.resolve("gateway.properties"), "db.embedded-dir=" + data + "\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        int exit = Main.run(ToolDatabases.CONFIGURED, errors, errors, "token", "list", "--tenant", "demo", "--config",
                file.toString());

        assertEquals(2, exit);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no embedded database at " + data), err.toString());
        assertFalse(Files.exists(data), "nothing created");
    }

    private static GatewayConfig embeddedIn(Path data) {
        return ConfigLoader.load(null, Map.of(), Map.of("db.embedded-dir", data.toString()));
    }
}
