package dev.telemask.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;

/**
 * The gateway's database: a connection pool to the configured server, or to an embedded PostgreSQL started for
 * it when none is configured. Closing it closes the pool and stops the embedded server.
 */
public final class StorageDatabase implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final EmbeddedDatabase embedded;

    private StorageDatabase(HikariDataSource dataSource, EmbeddedDatabase embedded) {
        this.dataSource = dataSource;
        this.embedded = embedded;
    }

    /** Opens the pool (starting the embedded server first if no URL is configured). Does not migrate. */
    public static StorageDatabase open(DatabaseSettings settings) {
        if (!settings.isEmbedded()) {
            return new StorageDatabase(
                    pool(settings.jdbcUrl(), settings.user(), settings.password(), settings.maxPoolSize()), null);
        }
        EmbeddedDatabase embedded = EmbeddedDatabase.start(settings.embeddedDataDirectory());
        try {
            return new StorageDatabase(pool(embedded.jdbcUrl(), null, null, settings.maxPoolSize()), embedded);
        } catch (RuntimeException e) {
            embedded.close();
            throw e;
        }
    }

    /**
     * A pool tuned for Telemask: short connection timeout so that a write fails (and is not acknowledged) within
     * seconds while the database is away, rather than piling up.
     */
    public static HikariDataSource pool(String jdbcUrl, String user, String password, int maxPoolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("telemask");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(maxPoolSize);
        config.setConnectionTimeout(5_000);
        // The pool must come up even while the database is still starting; connections are made on demand.
        config.setInitializationFailTimeout(-1);
        // Lets a restarted database's port be probed quickly, and a dead socket be noticed, not hang forever.
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("socketTimeout", "300");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        return new HikariDataSource(config);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /**
     * The embedded server when this process started it (and so must keep it running); empty for a configured
     * database, or an embedded one that another process runs and this one only connects to.
     */
    public java.util.Optional<EmbeddedDatabase> ownedEmbeddedServer() {
        return embedded != null && embedded.isOwned() ? java.util.Optional.of(embedded) : java.util.Optional.empty();
    }

    @Override
    public void close() {
        try {
            dataSource.close();
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
