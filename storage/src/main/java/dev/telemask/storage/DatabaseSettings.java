package dev.telemask.storage;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the database is: a JDBC URL (PostgreSQL or TimescaleDB), or, when the URL is null, an embedded PostgreSQL
 * keeping its data in {@code embeddedDataDirectory}.
 *
 * @param jdbcUrl               e.g. {@code jdbc:postgresql://db:5432/telemask}; null for the embedded database
 * @param user                  may be null when the URL carries it
 * @param password              may be null when the URL carries it
 * @param embeddedDataDirectory the embedded database's files, kept across restarts
 * @param maxPoolSize           connections of the ingest pool: writer threads, device look-ups, the change feed,
 *                              migrations and retention
 * @param api                   the API's separate pool
 */
public record DatabaseSettings(String jdbcUrl, String user, String password, Path embeddedDataDirectory,
                               int maxPoolSize, ApiPoolSettings api) {
    public DatabaseSettings {
        Objects.requireNonNull(embeddedDataDirectory, "embeddedDataDirectory");
        Objects.requireNonNull(api, "api");
        if (maxPoolSize <= 0) {
            throw new IllegalArgumentException("maxPoolSize must be positive, was " + maxPoolSize);
        }
    }

    /** The embedded database under {@code ./data/postgres}, 10 ingest connections, the API's default pool. */
    public static DatabaseSettings embedded() {
        return new DatabaseSettings(null, null, null, Path.of("data", "postgres"), 10, ApiPoolSettings.defaults());
    }

    /** A configured server with 10 ingest connections and the API's default pool. */
    public static DatabaseSettings of(String jdbcUrl, String user, String password) {
        return new DatabaseSettings(Objects.requireNonNull(jdbcUrl, "jdbcUrl"), user, password,
                Path.of("data", "postgres"), 10, ApiPoolSettings.defaults());
    }

    public boolean isEmbedded() {
        return jdbcUrl == null;
    }
}
