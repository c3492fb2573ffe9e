package dev.telemask.bench.load;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one load run does: the connection steps, the record rate per device, how long each step warms up and is
 * measured, and how the gateway JVM under test is started.
 *
 * @param steps            device connections of each step, in order (e.g. 1000, 5000, 10000)
 * @param ratePerDevice    records per second each device sends (the fleet's rate is steps × this)
 * @param recordsPerFrame  records in each Codec 8E frame
 * @param warmUp           the start of each step that is not measured (connections ramping, JIT, pool warm-up)
 * @param measure          the measured window of each step, after the warm-up
 * @param gatewayJar       the packaged gateway (gateway/target/telemask.jar)
 * @param gatewayHeap      the gateway's -Xmx, e.g. 512m
 * @param gatewayJavaOptions more flags for the gateway's JVM, after {@link GatewayJvm#DEPLOYED_FLAGS}
 * @param profile          where the gateway writes a JFR recording of the whole run, or null for none
 * @param databaseScript   deploy/local/timescaledb.sh, used when TSDB_URL is not set
 * @param databaseUrl      TSDB_URL when set: a TimescaleDB to use as it is
 * @param graceWindow      the devices' policy's private-trip grace window (records of a trip's first minutes wait
 *                         sealed for it), or null for the policy default (0s with {@code forwardKafka})
 * @param forwardKafka     each step runs twice, with Kafka forwarding off and then on (see {@link LoadCommand})
 * @param writerLinger     the gateway's {@code writer.linger}, or null for its default
 * @param transport        the gateway's {@code device.transport} (auto, epoll, io_uring, nio), or null for its default
 */
public record LoadOptions(List<Integer> steps, double ratePerDevice, int recordsPerFrame, Duration warmUp,
                          Duration measure, Path gatewayJar, String gatewayHeap, List<String> gatewayJavaOptions,
                          Path profile, Path databaseScript, String databaseUrl, Duration graceWindow,
                          boolean forwardKafka, Duration writerLinger, String transport) {
    public LoadOptions {
        steps = List.copyOf(steps);
        gatewayJavaOptions = List.copyOf(gatewayJavaOptions);
        if (steps.isEmpty() || steps.stream().anyMatch(n -> n <= 0)) {
            throw new IllegalArgumentException("--steps must be positive device counts, got " + steps);
        }
        if (ratePerDevice <= 0) {
            throw new IllegalArgumentException("--rate-per-device must be positive, got " + ratePerDevice);
        }
        if (recordsPerFrame < 1 || recordsPerFrame > 255) {
            throw new IllegalArgumentException("--records-per-frame must be 1..255, got " + recordsPerFrame);
        }
        if (warmUp.isNegative() || measure.isZero() || measure.isNegative()) {
            throw new IllegalArgumentException("--warm-up must not be negative and --measure must be positive, got " + warmUp + " and " + measure);
        }
        if (graceWindow != null && graceWindow.isNegative()) {
            throw new IllegalArgumentException("--grace-window must not be negative");
        }
        if (writerLinger != null && writerLinger.isNegative()) {
            throw new IllegalArgumentException("--writer-linger must not be negative");
        }
        if (forwardKafka && profile != null) {
            throw new IllegalArgumentException("--forward-kafka starts a gateway per step and mode: it cannot be"
                    + " combined with --profile, which records one gateway");
        }
        if (forwardKafka && graceWindow == null) {
            // a fresh fleet's records would all wait sealed for the default two minutes, longer than a step
            graceWindow = Duration.ZERO;
        }
    }

    /** The gateway's settings (as its environment) that these options choose. */
    public java.util.Map<String, String> gatewaySettings() {
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
        if (writerLinger != null) {
            settings.put("TELEMASK_WRITER_LINGER", writerLinger.toString());
        }
        if (transport != null) {
            settings.put("TELEMASK_DEVICE_TRANSPORT", transport);
        }
        return settings;
    }

    /** The most connections any step opens. */
    public int maxDevices() {
        return steps.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }
}
