package dev.telemask.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;

/**
 * The gateway's database: two connection pools to the configured server, or to an embedded PostgreSQL started for
 * it when none is configured. The ingest pool serves the writers, the device look-ups, the change feed, migrations
 * and retention; the API pool serves HTTP clients alone, bounded and with session timeouts, so that no client can
 * take a connection the hot path needs. Closing it closes both pools and stops the embedded server.
 */
public final class StorageDatabase implements AutoCloseable {
    private final HikariDataSource ingest;
    private final HikariDataSource api;
    private final EmbeddedDatabase embedded;

    private StorageDatabase(HikariDataSource ingest, HikariDataSource api, EmbeddedDatabase embedded) {
        this.ingest = ingest;
        this.api = api;
        this.embedded = embedded;
    }

    /** Opens the pools (starting the embedded server first if no URL is configured). Does not migrate. */
    public static StorageDatabase open(DatabaseSettings settings) {
        if (!settings.isEmbedded()) {
            return open(settings.jdbcUrl(), settings.user(), settings.password(), settings, null);
        }
        EmbeddedDatabase embedded = EmbeddedDatabase.start(settings.embeddedDataDirectory());
        try {
            return open(embedded.jdbcUrl(), null, null, settings, embedded);
        } catch (RuntimeException e) {
            embedded.close();
            throw e;
        }
    }

    private static StorageDatabase open(String url, String user, String password, DatabaseSettings settings,
                                        EmbeddedDatabase embedded) {
        HikariDataSource ingest = pool(url, user, password, settings.maxPoolSize());
        try {
            return new StorageDatabase(ingest, apiPool(url, user, password, settings.api()), embedded);
        } catch (RuntimeException e) {
            ingest.close();
            throw e;
        }
    }

    /**
     * A pool tuned for Telemask: short connection timeout so that a write fails (and is not acknowledged) within
     * seconds while the database is away, rather than piling up.
     */
    public static HikariDataSource pool(String jdbcUrl, String user, String password, int maxPoolSize) {
        return new HikariDataSource(config("telemask", jdbcUrl, user, password, maxPoolSize));
    }

    /**
     * The API's pool: at most {@code settings.poolSize()} connections, each with a statement timeout and an
     * idle-in-transaction timeout, so that a slow query or a stalled cursor is cut by the server too.
     */
    public static HikariDataSource apiPool(String jdbcUrl, String user, String password, ApiPoolSettings settings) {
        HikariConfig config = config("telemask-api", jdbcUrl, user, password, settings.poolSize());
        config.setConnectionInitSql(settings.sessionSql());
        return new HikariDataSource(config);
    }

    private static HikariConfig config(String name, String jdbcUrl, String user, String password, int maxPoolSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
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
        // Failures are logged: the server's detail ("Failing row contains ...") and a failed batch's statement with
        // its parameters would write a row's values (positions, IMEIs) into the log, past masking and erasure.
        config.addDataSourceProperty("logServerErrorDetail", "false");
        return config;
    }

    /** The ingest pool: writers, device look-ups, change feed, migrations, retention. */
    public DataSource dataSource() {
        return ingest;
    }

    /** The API's pool; nothing on the ingest path draws on it. */
    public DataSource apiDataSource() {
        return api;
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
            api.close();
            ingest.close();
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
