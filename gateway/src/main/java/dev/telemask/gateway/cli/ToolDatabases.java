package dev.telemask.gateway.cli;

import dev.telemask.gateway.config.ConfigLoader;
import dev.telemask.gateway.config.GatewayConfig;
import dev.telemask.gateway.logging.LogbackSetup;
import dev.telemask.storage.ApiPoolSettings;
import dev.telemask.storage.DatabaseSettings;
import dev.telemask.storage.Migrations;
import dev.telemask.storage.StorageDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Where the database tools ({@code migrate}, {@code token}, {@code tenant}) find their database: the one {@code serve}
 * uses with the same configuration (the embedded one also while {@code serve} runs it), migrated; or, in tests, a
 * given one.
 */
public interface ToolDatabases {
    /** The working directory's configuration file, read when no {@code --config} names another. */
    Path DEFAULT_CONFIG = Path.of("telemask.properties");

    /** A database open for one tool run. */
    interface Opened extends AutoCloseable {
        DataSource dataSource();

        /** How many migrations opening it applied. */
        int migrationsApplied();

        @Override
        void close();
    }

    /**
     * Opens and migrates the database for {@code command}.
     *
     * @throws dev.telemask.gateway.config.ConfigException when the configuration is wrong, or names an embedded
     *                                                     database that does not exist and {@code init} is not set
     */
    Opened open(Path configFile, boolean init, String command);

    /**
     * The configuration {@code serve} reads: {@code configFile}, else the working directory's file, then the
     * environment; its log settings take effect.
     */
    static GatewayConfig configuration(Path configFile) {
        Path file = configFile;
        if (file == null && Files.isRegularFile(DEFAULT_CONFIG)) {
            file = DEFAULT_CONFIG;
        }
        GatewayConfig config = ConfigLoader.load(file, System.getenv(), Map.of());
        LogbackSetup.apply(config.log());
        return config;
    }

    /** The databases of the configuration, as {@code serve} would open them. */
    ToolDatabases CONFIGURED = (configFile, init, command) -> {
        GatewayConfig config = configuration(configFile);
        ExistingDatabase.require(config, init, command);
        StorageDatabase database = StorageDatabase.open(new DatabaseSettings(config.databaseUrl(),
                config.databaseUser(), config.databasePassword(), config.embeddedDataDirectory(), 2,
                new ApiPoolSettings(1, Duration.ZERO, Duration.ZERO)));
        int applied;
        try {
            applied = Migrations.migrate(database.dataSource());
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return new Opened() {
            @Override
            public DataSource dataSource() {
                return database.dataSource();
            }

            @Override
            public int migrationsApplied() {
                return applied;
            }

            @Override
            public void close() {
                database.close();
            }
        };
    };
}
