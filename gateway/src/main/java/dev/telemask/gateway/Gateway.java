package dev.telemask.gateway;

import dev.telemask.gateway.api.ApiSettings;
import dev.telemask.gateway.api.FleetApi;
import dev.telemask.gateway.api.LiveSettings;
import dev.telemask.gateway.config.ConfigException;
import dev.telemask.gateway.config.ConfigLoader;
import dev.telemask.gateway.config.GatewayConfig;
import dev.telemask.gateway.http.ConsoleAssets;
import dev.telemask.gateway.http.HttpEndpoint;
import dev.telemask.gateway.http.HttpsCertificate;
import dev.telemask.gateway.ingest.DeviceIngest;
import dev.telemask.gateway.ingest.ExpiredAsPrivate;
import dev.telemask.storage.ApiPoolSettings;
import dev.telemask.storage.DatabaseSettings;
import dev.telemask.storage.DeploymentSecrets;
import dev.telemask.storage.DeviceStateSealing;
import dev.telemask.storage.EmbeddedSupervisor;
import dev.telemask.storage.Migrations;
import dev.telemask.storage.RecordSealer;
import dev.telemask.storage.SealedStore;
import dev.telemask.storage.SealingKeys;
import dev.telemask.storage.FieldSealer;
import dev.telemask.storage.SealedZones;
import dev.telemask.storage.ZoneSealing;
import dev.telemask.storage.RetentionJob;
import dev.telemask.storage.StatisticsRenewal;
import dev.telemask.storage.StorageDatabase;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.nio.file.Path;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The whole gateway process: database (configured, or embedded and supervised), migrations, device ingest, retention
 * schedule and the HTTP port with the fleet API, started in that order and stopped in reverse.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = System.getLogger(Gateway.class.getName());
    /** Wait before restarting a dead embedded PostgreSQL, doubled after each failed attempt up to the maximum. */
    private static final Duration EMBEDDED_RESTART_BACKOFF = Duration.ofMillis(500);
    private static final Duration EMBEDDED_RESTART_MAX_BACKOFF = Duration.ofSeconds(10);

    private static final long SEALED_EXPIRY_EVERY_SECONDS = 60;
    /** How soon after an erasure commits its tables' statistics are renewed, at most (and how often a failure is retried). */
    private static final long STATISTICS_RENEWAL_EVERY_SECONDS = 60;

    /** The key file an external-database deployment gets when none is configured, in the working directory. */
    static final String DEFAULT_SEAL_KEY_FILE = "telemask-seal.key";

    private final GatewayConfig config;
    private final PrometheusMeterRegistry registry;
    private StorageDatabase database;
    private EmbeddedSupervisor supervisor;
    private DeviceIngest ingest;
    private dev.telemask.gateway.webhook.WebhookDelivery webhooks;
    private dev.telemask.gateway.forward.KafkaForwarder kafka;
    private ScheduledExecutorService retention;
    private Vertx vertx;
    private FleetApi api;
    private HttpEndpoint http;

    private Gateway(GatewayConfig config) {
        this.config = config;
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /** Starts everything; on failure, stops what had started and rethrows. */
    public static Gateway start(GatewayConfig config) throws Exception {
        Gateway gateway = new Gateway(config);
        try {
            gateway.startAll();
            return gateway;
        } catch (Exception | Error e) {
            gateway.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);

        // Before the database: a bad key file fails start-up at once, naming its line.
        SealingKeys sealingKeys = sealingKeys(config);
        LOG.log(Level.INFO, "undecided records are sealed with key ''{0}'' of {1}", sealingKeys.sealingKeyId(),
                sealingKeys.source());
        database = StorageDatabase.open(databaseSettings(config));
        supervisor = database.ownedEmbeddedServer().map(server -> EmbeddedSupervisor.start(server,
                EMBEDDED_RESTART_BACKOFF, EMBEDDED_RESTART_MAX_BACKOFF, registry)).orElse(null);
        int applied = Migrations.migrate(database.dataSource());
        LOG.log(Level.INFO, "database {0}: {1} migrations applied", describeDatabase(), applied);
        // Zone centres and the zone key are kept only sealed: what an older version left in clear is sealed now.
        FieldSealer fieldSealer = new FieldSealer(sealingKeys);
        SealedZones sealedZones = new SealedZones(fieldSealer);
        byte[] zoneKey = DeploymentSecrets.getOrCreate(database.dataSource(), DeploymentSecrets.ZONE_KEY,
                fieldSealer);
        int resealed = ZoneSealing.run(database.dataSource(), sealedZones);
        if (resealed > 0) {
            LOG.log(Level.INFO, "sealed the zone centres of {0} policy versions and drivers'' zones", resealed);
        }
        // So are the engine's saved device states, which hold where each device's newest record was.
        RecordSealer recordSealer = new RecordSealer(sealingKeys);
        int statesSealed = DeviceStateSealing.run(database.dataSource(), recordSealer);
        if (statesSealed > 0) {
            LOG.log(Level.INFO, "sealed the saved privacy states of {0} devices", statesSealed);
        }

        RetentionJob job = RetentionJob.install(database.dataSource(), config.retention());
        retention = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telemask-retention");
            t.setDaemon(true);
            return t;
        });
        long every = config.retentionInterval().toMillis();
        retention.scheduleWithFixedDelay(() -> runRetention(job), every, every, TimeUnit.MILLISECONDS);
        // Erasures and device deletions queue the tables whose statistics still hold the deleted rows' values; from
        // start, what an instance stopped before it could analyze is analyzed too.
        StatisticsRenewal renewal = new StatisticsRenewal(database.dataSource(), registry);
        retention.scheduleWithFixedDelay(() -> renewStatistics(renewal), 0, STATISTICS_RENEWAL_EVERY_SECONDS,
                TimeUnit.SECONDS);

        // Ingest and API on separate pools: no HTTP client can hold a connection a writer or a look-up needs.
        ingest = DeviceIngest.start(config, database.dataSource(), zoneKey, recordSealer, sealedZones,
                registry);
        ExpiredAsPrivate expired = new ExpiredAsPrivate(zoneKey);
        retention.scheduleWithFixedDelay(() -> expireSealed(ingest.sealedStore(), expired), SEALED_EXPIRY_EVERY_SECONDS,
                SEALED_EXPIRY_EVERY_SECONDS, TimeUnit.SECONDS);
        // Own threads and the API's pool: a slow receiver never holds anything ingest needs.
        webhooks = dev.telemask.gateway.webhook.WebhookDelivery.start(database.apiDataSource(), fieldSealer, config.webhookMaxAttempts(),
                config.webhookRetryBackoff(), config.webhookTimeout(), registry);
        if (config.kafka().enabled()) {
            kafka = dev.telemask.gateway.forward.KafkaForwarder.start(database.apiDataSource(), config.kafka(),
                    registry);
            LOG.log(Level.INFO, "forwarding masked positions to Kafka topic {0} and events to {1} at {2}",
                    config.kafka().topic(), config.kafka().eventsTopicOrTopic(), config.kafka().bootstrapServers());
        }
        vertx = Vertx.vertx();
        if (config.httpPort() >= 0) {
            api = new FleetApi(vertx, database.apiDataSource(), registry, Clock.systemUTC(), sealedZones,
                    ApiSettings.forPool(config.apiWriteTimeout(), config.apiHeavyReadsPerToken(),
                            config.apiHeavyReadsPerFleet(), config.apiPoolSize()),
                    LiveSettings.withClients(config.apiLiveClients()));
            ingest.watchPositions(api.liveFleet());
            EmbeddedSupervisor watched = supervisor;
            http = HttpEndpoint.start(vertx, config.httpHost(), config.httpPort(), registry,
                    database.apiDataSource(), () -> watched == null || watched.isUp(), config.metricsToken(),
                    api::mount, ConsoleAssets.of(config.consoleTileUrl(), config.consoleTileAttribution()),
                    config.httpTlsEnabled() ? new HttpsCertificate(config.httpTlsCertificate(), config.httpTlsKey(),
                            config.httpTlsReloadInterval()) : null);
        }
    }

    /**
     * The keys that seal undecided records, never kept in the database: {@code seal.key-file}, else
     * {@code seal.key} ({@code TELEMASK_SEAL_KEY}), else a key file the gateway creates once beside the embedded
     * database's directory, or in the working directory for an external database.
     */
    static SealingKeys sealingKeys(GatewayConfig config) {
        try {
            if (config.sealKeyFile() != null) {
                return SealingKeys.read(config.sealKeyFile());
            }
            if (config.sealKey() != null) {
                return SealingKeys.fromBase64(config.sealKey(), ConfigLoader.environmentName("seal.key"));
            }
            if (config.embeddedDatabase()) {
                Path data = config.embeddedDataDirectory().toAbsolutePath().normalize();
                return SealingKeys.readOrCreate(data.resolveSibling(data.getFileName() + ".seal.key"));
            }
            Path file = Path.of(DEFAULT_SEAL_KEY_FILE).toAbsolutePath();
            LOG.log(Level.WARNING, "no seal.key-file configured: using {0}, created if missing. Every instance of"
                    + " this deployment must be given the same key file (seal.key-file), or records one instance"
                    + " sealed cannot be opened by another", file);
            return SealingKeys.readOrCreate(file);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    static DatabaseSettings databaseSettings(GatewayConfig config) {
        return new DatabaseSettings(config.databaseUrl(), config.databaseUser(), config.databasePassword(),
                config.embeddedDataDirectory(), config.databasePoolSize(), new ApiPoolSettings(config.apiPoolSize(),
                config.apiStatementTimeout(), config.apiIdleInTransactionTimeout()));
    }

    private String describeDatabase() {
        return database.isEmbedded() ? "embedded PostgreSQL in " + config.embeddedDataDirectory()
                : dev.telemask.gateway.config.RedactedDatabaseUrl.of(config.databaseUrl());
    }

    /**
     * Sealed records no session resolved in time (their device is gone, or connected nowhere) are made private here;
     * every instance may run it, rows another instance is expiring are skipped.
     */
    private static void expireSealed(SealedStore store, ExpiredAsPrivate masker) {
        try {
            int expired;
            do {
                expired = store.expireDue(Instant.now(), 1_000, masker);
                if (expired > 0) {
                    LOG.log(Level.INFO, "sealed records expired as private: {0}", expired);
                }
            } while (expired == 1_000);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "expiring sealed records failed: {0}", e.toString());
        }
    }

    private static void renewStatistics(StatisticsRenewal renewal) {
        try {
            int analyzed = renewal.runPending();
            if (analyzed > 0) {
                LOG.log(Level.INFO, "statistics renewed after erasures: {0} tables and chunks analyzed", analyzed);
            }
        } catch (Exception e) {
            // The queue stays in the database: the next run, on this or another instance, takes it up.
            LOG.log(Level.WARNING, "renewing statistics after erasures failed: {0}", e.toString());
        }
    }

    private static void runRetention(RetentionJob job) {
        try {
            RetentionJob.Outcome outcome = job.runOnce();
            if (outcome.ran()) {
                LOG.log(Level.INFO, "retention: {0} chunks dropped, {1} rows deleted, {2} sealed rows deleted",
                        outcome.droppedChunks(), outcome.deletedRows(), outcome.sealedRows());
            }
        } catch (Exception e) {
            // Runs again at the next interval; old rows wait that long.
            LOG.log(Level.WARNING, "retention run failed: {0}", e.toString());
        }
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public int devicePort() {
        return ingest.tcpPort();
    }

    public int udpPort() {
        return ingest.udpPort();
    }

    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    /** The ingest pool (writers, look-ups, change feed). */
    public javax.sql.DataSource dataSource() {
        return database.dataSource();
    }

    /** The API's own pool. */
    public javax.sql.DataSource apiDataSource() {
        return database.apiDataSource();
    }

    /**
     * Stops in reverse order: HTTP, ingest (acknowledging what the writer commits), retention, the embedded server's
     * supervisor, database.
     */
    @Override
    public void close() throws Exception {
        Exception failure = null;
        if (http != null) {
            try {
                http.close();
            } catch (Exception e) {
                failure = e;
            }
        }
        if (api != null) {
            api.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (ingest != null) {
            ingest.close();
        }
        if (webhooks != null) {
            webhooks.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (retention != null) {
            retention.shutdownNow();
        }
        if (supervisor != null) {
            supervisor.close();
        }
        if (database != null) {
            database.close();
        }
        registry.close();
        if (failure != null) {
            throw failure;
        }
    }
}
