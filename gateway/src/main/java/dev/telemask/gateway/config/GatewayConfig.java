package dev.telemask.gateway.config;

import dev.telemask.gateway.logging.LogSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.List;

/**
 * Everything the gateway can be told, with the defaults of {@code ./telemask serve} on a fresh machine. Read by
 * {@link ConfigLoader} from a properties file and {@code TELEMASK_*} environment variables; the README lists the
 * keys.
 */
public record GatewayConfig(
        String deviceHost,
        int devicePort,
        int udpPort,
        int maxFrameLength,
        Duration idleTimeout,
        int maxConnections,
        int maxConnectionsPerAddress,
        SourceNetworks deviceAllowedNetworks,
        Duration handshakeTimeout,
        String deviceTransport,
        Path tlsCertificate,
        Path tlsKey,
        boolean autoRegister,
        String httpHost,
        int httpPort,
        Path httpTlsCertificate,
        Path httpTlsKey,
        Duration httpTlsReloadInterval,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        int databasePoolSize,
        Path embeddedDataDirectory,
        int writerThreads,
        int writerQueueRecords,
        long writerQueueBytes,
        int writerTransactionRecords,
        Duration writerLinger,
        int writerLingerRecords,
        Period retention,
        Duration retentionInterval,
        Duration shutdownTimeout,
        Path sealKeyFile,
        String sealKey,
        Duration sealedExpiry,
        Duration maxFutureSkew,
        int apiPoolSize,
        Duration apiStatementTimeout,
        Duration apiIdleInTransactionTimeout,
        Duration apiWriteTimeout,
        int apiHeavyReadsPerToken,
        int apiHeavyReadsPerFleet,
        String metricsToken,
        int apiLiveClients,
        String consoleTileUrl,
        String consoleTileAttribution,
        LogSettings log,
        int webhookMaxAttempts,
        Duration webhookRetryBackoff,
        Duration webhookTimeout,
        KafkaForwarding kafka) {

    public GatewayConfig {
        requirePort("device.port", devicePort);
        requirePort("device.udp-port", udpPort);
        requirePort("http.port", httpPort);
        if ((tlsCertificate == null) != (tlsKey == null)) {
            throw new ConfigException("device.tls.certificate and device.tls.key go together: set both or neither");
        }
        if ((httpTlsCertificate == null) != (httpTlsKey == null)) {
            throw new ConfigException("http.tls.certificate and http.tls.key go together: set both or neither");
        }
        if (httpTlsReloadInterval.isNegative()) {
            throw new ConfigException("http.tls.reload-interval must not be negative (PT0S: never), was "
                    + httpTlsReloadInterval);
        }
        if (sealedExpiry.isNegative() || sealedExpiry.isZero()) {
            throw new ConfigException("privacy.sealed-expiry must be positive, was " + sealedExpiry);
        }
        if (maxFutureSkew.isNegative()) {
            throw new ConfigException("privacy.max-future-skew must not be negative, was " + maxFutureSkew);
        }
        if (maxFrameLength < 64) {
            throw new ConfigException("device.max-frame-length must be at least 64 bytes, was " + maxFrameLength);
        }
        if (maxConnections <= 0 || databasePoolSize <= 0 || writerThreads <= 0 || writerQueueRecords <= 0
                || writerQueueBytes <= 0 || writerTransactionRecords <= 0) {
            throw new ConfigException("connection, pool, thread and queue limits must be positive");
        }
        if (writerLinger.isNegative() || writerLingerRecords < 0) {
            throw new ConfigException("writer.linger and writer.linger-records must not be negative");
        }
        if (maxConnectionsPerAddress < 0) {
            throw new ConfigException("device.max-connections-per-address must be 0 (no limit) or positive, was "
                    + maxConnectionsPerAddress);
        }
        if (!List.of("auto", "epoll", "io_uring", "nio").contains(deviceTransport)) {
            throw new ConfigException("device.transport must be auto, epoll, io_uring or nio, was '" + deviceTransport + "'");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new ConfigException("device.handshake-timeout must be positive, was " + handshakeTimeout);
        }
        if (databasePoolSize < writerThreads + 2) {
            throw new ConfigException("db.pool-size (" + databasePoolSize + ") must exceed writer.threads ("
                    + writerThreads + ") by at least 2: one connection listens for changes, one serves look-ups");
        }
        if (sealKeyFile != null && sealKey != null) {
            throw new ConfigException("seal.key-file and seal.key (TELEMASK_SEAL_KEY) exclude each other: set one");
        }
        if (apiPoolSize < 2 || apiHeavyReadsPerToken <= 0 || apiHeavyReadsPerFleet <= 0) {
            throw new ConfigException("api.pool-size must be at least 2 (one connection stays free of heavy reads),"
                    + " api.heavy-reads-per-token and api.heavy-reads-per-fleet positive");
        }
        if (apiStatementTimeout.isNegative() || apiIdleInTransactionTimeout.isNegative()
                || apiWriteTimeout.isNegative() || apiWriteTimeout.isZero()) {
            throw new ConfigException("api.statement-timeout and api.idle-in-transaction-timeout must not be negative"
                    + " (PT0S: none), api.write-timeout must be positive");
        }
        if (apiLiveClients < 1) {
            throw new ConfigException("api.live-clients must be at least 1, was " + apiLiveClients);
        }
        if (retention.isNegative() || retention.isZero()) {
            throw new ConfigException("retention.period must be positive, was " + retention);
        }
        if (webhookMaxAttempts < 1 || webhookRetryBackoff.isNegative() || webhookRetryBackoff.isZero()
                || webhookTimeout.isNegative() || webhookTimeout.isZero()) {
            throw new ConfigException("webhooks.max-attempts, webhooks.retry-backoff and webhooks.timeout must be"
                    + " positive");
        }
    }

    private static void requirePort(String key, int port) {
        // 0 asks the operating system for a free port (tests); -1 turns a listener off.
        if (port < -1 || port > 65_535) {
            throw new ConfigException(key + " must be a port number (0 for any free port, -1 for off), was " + port);
        }
    }

    public boolean tlsEnabled() {
        return tlsCertificate != null;
    }

    /** Whether the HTTP port speaks HTTPS. */
    public boolean httpTlsEnabled() {
        return httpTlsCertificate != null;
    }

    public boolean embeddedDatabase() {
        return databaseUrl == null;
    }
}
