package dev.telemask.simulator;

import dev.telemask.codec.Imei;
import java.time.Duration;
import java.util.Objects;

/**
 * What one simulation run does: how many devices, how fast, for how long, against which server.
 *
 * @param devices          number of simulated devices, each with its own connection and IMEI
 * @param recordsPerSecond aggregate target record rate across the fleet
 * @param duration         how long devices produce new records; in-flight frames are drained afterwards
 * @param host             the gateway's host; the simulator connects nowhere else
 * @param port             the gateway's device port
 * @param recordsPerFrame  records in each AVL frame (1..255)
 * @param imeiBase         IMEI of device 0; device {@code i} is {@code imeiBase + i}
 * @param tls              connect with TLS (any server certificate is trusted: this is a load generator)
 * @param ackTimeout       how long a device waits for the handshake reply or an ACK before it reconnects and resends
 * @param connectRate      new connections per second while ramping up
 * @param drainTimeout     how long after {@code duration} unacknowledged frames may still be acknowledged
 * @param reportInterval   period of the progress lines and of the acked-per-second samples behind the peak rate
 * @param seed             seeds every route, so a run's records are reproducible
 * @param listener         told about every acknowledged frame (on an event loop; must be thread-safe)
 */
public record SimulatorOptions(int devices, double recordsPerSecond, Duration duration, String host, int port,
                               int recordsPerFrame, long imeiBase, boolean tls, Duration ackTimeout,
                               double connectRate, Duration drainTimeout, Duration reportInterval, long seed,
                               SimulationListener listener) {
    public static final long DEFAULT_IMEI_BASE = 350_000_000_000_000L;
    public static final int DEFAULT_RECORDS_PER_FRAME = 5;
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(30);
    public static final double DEFAULT_CONNECT_RATE = 1000;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofSeconds(5);

    public SimulatorOptions {
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(reportInterval, "reportInterval");
        Objects.requireNonNull(listener, "listener");
        require(devices > 0, "devices must be positive, got " + devices);
        require(recordsPerSecond > 0, "rate must be positive, got " + recordsPerSecond);
        require(!duration.isNegative(), "duration must not be negative");
        require(port > 0 && port < 65536, "port must be 1..65535, got " + port);
        require(recordsPerFrame >= 1 && recordsPerFrame <= 255, "records per frame must be 1..255, got " + recordsPerFrame);
        require(Imei.isValid(imeiBase) && Imei.isValid(imeiBase + devices - 1),
                "IMEIs " + imeiBase + " + " + devices + " devices leave the 15-digit range");
        require(ackTimeout.toMillis() > 0, "ACK timeout must be positive");
        require(connectRate > 0, "connect rate must be positive, got " + connectRate);
        require(!drainTimeout.isNegative(), "drain timeout must not be negative");
        require(reportInterval.toMillis() > 0, "report interval must be positive");
    }

    /** A builder holding the defaults: 100 devices, 1000 records/s for 60 s against 127.0.0.1:5027. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link SimulatorOptions}; every setter has a default. */
    public static final class Builder {
        private int devices = 100;
        private double recordsPerSecond = 1000;
        private Duration duration = Duration.ofSeconds(60);
        private String host = "127.0.0.1";
        private int port = 5027;
        private int recordsPerFrame = DEFAULT_RECORDS_PER_FRAME;
        private long imeiBase = DEFAULT_IMEI_BASE;
        private boolean tls;
        private Duration ackTimeout = DEFAULT_ACK_TIMEOUT;
        private double connectRate = DEFAULT_CONNECT_RATE;
        private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        private Duration reportInterval = DEFAULT_REPORT_INTERVAL;
        private long seed = 1L;
        private SimulationListener listener = SimulationListener.NONE;

        private Builder() {}

        public Builder devices(int value) { devices = value; return this; }
        public Builder recordsPerSecond(double value) { recordsPerSecond = value; return this; }
        public Builder duration(Duration value) { duration = value; return this; }
        public Builder host(String value) { host = value; return this; }
        public Builder port(int value) { port = value; return this; }
        public Builder recordsPerFrame(int value) { recordsPerFrame = value; return this; }
        public Builder imeiBase(long value) { imeiBase = value; return this; }
        public Builder tls(boolean value) { tls = value; return this; }
        public Builder ackTimeout(Duration value) { ackTimeout = value; return this; }
        public Builder connectRate(double value) { connectRate = value; return this; }
        public Builder drainTimeout(Duration value) { drainTimeout = value; return this; }
        public Builder reportInterval(Duration value) { reportInterval = value; return this; }
        public Builder seed(long value) { seed = value; return this; }
        public Builder listener(SimulationListener value) { listener = value; return this; }

        public SimulatorOptions build() {
            return new SimulatorOptions(devices, recordsPerSecond, duration, host, port, recordsPerFrame, imeiBase, tls,
                    ackTimeout, connectRate, drainTimeout, reportInterval, seed, listener);
        }
    }

    /** IMEI of device {@code index}. */
    public long imei(int index) {
        return imeiBase + index;
    }

    /** How often each device sends a frame so that the fleet reaches {@link #recordsPerSecond}. */
    public long framePeriodNanos() {
        return Math.max(1L, Math.round(devices * (double) recordsPerFrame / recordsPerSecond * 1e9));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
