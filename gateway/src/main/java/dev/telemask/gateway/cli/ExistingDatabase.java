package dev.telemask.gateway.cli;

import dev.telemask.gateway.config.ConfigException;
import dev.telemask.gateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps a database tool ({@code token}, {@code migrate}) on the database {@code serve} uses: a tool run from another
 * directory, or without the gateway's {@code --config}, would otherwise start a new, empty embedded database of its
 * own, and a token made there answers 401 at the gateway.
 */
final class ExistingDatabase {
    private ExistingDatabase() {}

    /**
     * Throws {@link ConfigException} saying where it looked and what to do when {@code config} names an embedded
     * database that does not exist yet and {@code init} does not ask for one. A configured {@code db.url} passes.
     */
    static void require(GatewayConfig config, boolean init, String command) {
        if (!config.embeddedDatabase() || init || exists(config.embeddedDataDirectory())) {
            return;
        }
        Path directory = config.embeddedDataDirectory().toAbsolutePath().normalize();
        throw new ConfigException("no embedded database at " + directory + " (db.embedded-dir, relative to the"
                + " working directory " + Path.of("").toAbsolutePath() + "). Run './telemask " + command
                + "' in the directory where './telemask serve' runs, with the same --config FILE or TELEMASK_*"
                + " variables as the gateway (TELEMASK_DB_EMBEDDED_DIR names the data directory, TELEMASK_DB_URL an"
                + " external database); or add " + "--init" + " to create a new embedded database here.");
    }

    /** A PostgreSQL data directory has its {@code PG_VERSION} from {@code initdb} on. */
    static boolean exists(Path dataDirectory) {
        return Files.isRegularFile(dataDirectory.resolve("PG_VERSION"));
    }
}
