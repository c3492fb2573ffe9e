package dev.telemask.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The options of {@code telemask load}, and the figures a step reports. */
class LoadCommandLineTest {
    private static LoadOptions parse(String databaseUrl, String... args) {
        Map<String, String> environment = databaseUrl == null ? Map.of() : Map.of("TSDB_URL", databaseUrl);
        LoadCommand command = new LoadCommand(environment, new PrintStream(PrintStream.nullOutputStream()));
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    @Test
    void defaultsAimAtTenThousandConnectionsAndFiftyThousandRecordsASecond() {
        LoadOptions options = parse(null);
        assertEquals(List.of(1_000, 5_000, 10_000), options.steps());
        assertEquals(50_000, options.maxDevices() * options.ratePerDevice());
        assertEquals("1g", options.gatewayHeap());
        assertNull(options.profile());
        assertNull(options.databaseUrl());
        assertNull(options.graceWindow());
    }

    @Test
    void readsEveryOption() {
        LoadOptions options = parse(" jdbc:postgresql://db/x ", "--steps", "10, 20", "--rate-per-device", "0.5",
                "--records-per-frame", "3", "--warm-up", "5s", "--measure", "1m", "--gateway-jar", "g.jar",
                "--gateway-heap", "1g", "--gateway-java-option=-XX:-UseTransparentHugePages",
                "--gateway-java-option", "-Xss512k", "--profile", "p.jfr", "--tsdb-script", "t.sh", "--grace-window", "0s",
                "--writer-linger", "5ms", "--transport", "io_uring");
        assertEquals(new LoadOptions(List.of(10, 20), 0.5, 3, Duration.ofSeconds(5), Duration.ofMinutes(1),
                Path.of("g.jar"), "1g",
                List.of("-XX:-UseTransparentHugePages", "-Xss512k"), Path.of("p.jfr"), Path.of("t.sh"), "jdbc:postgresql://db/x", Duration.ZERO, false, Duration.ofMillis(5),
                "io_uring"), options);
        assertEquals(java.util.Map.of("TELEMASK_WRITER_LINGER", "PT0.005S", "TELEMASK_DEVICE_TRANSPORT", "io_uring"),
                options.gatewaySettings());
    }

    @Test
    void refusesWhatCannotRun() {
        assertThrows(ParameterException.class, () -> parse(null, "--steps", "0"));
        assertThrows(ParameterException.class, () -> parse(null, "--rate-per-device", "fast"));
        assertThrows(ParameterException.class, () -> parse(null, "--measure", "0s"));
        assertThrows(ParameterException.class, () -> parse(null, "--bogus", "1"));
        assertThrows(ParameterException.class, () -> parse(null, "--steps"));
        assertThrows(ParameterException.class, () -> parse(null, "--grace-window", "-1s"));
    }

    @Test
    void gatewayLatencyOfAWindowComesFromTheHistogramDifference() {
        GatewayMetrics before = GatewayMetrics.parse("""
                jvm_memory_used_bytes{area="heap",id="PS Eden Space"} 1.0E8
                jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5.0E7
                telemask_ack_latency_seconds_bucket{le="0.01"} 100.0
                telemask_ack_latency_seconds_bucket{le="0.1"} 100.0
                telemask_ack_latency_seconds_bucket{le="+Inf"} 100.0
                """);
        GatewayMetrics after = GatewayMetrics.parse("""
                jvm_memory_used_bytes{area="heap",id="PS Eden Space"} 2.0E8
                jvm_memory_used_bytes{area="heap",id="PS Old Gen"} 1.0E8
                telemask_ack_latency_seconds_bucket{le="0.01"} 190.0
                telemask_ack_latency_seconds_bucket{le="0.1"} 199.0
                telemask_ack_latency_seconds_bucket{le="+Inf"} 200.0
                """);
        assertEquals(3.0E8, after.heapUsedBytes());
        assertEquals(10.0, after.ackLatencyMillisSince(before, 0.5));
        assertEquals(100.0, after.ackLatencyMillisSince(before, 0.99));
        assertTrue(Double.isNaN(before.ackLatencyMillisSince(before, 0.5)), "no ACKs in the window");
    }

    @Test
    void aStepPrintsAsALineAndAsJson() {
        Map<String, Double> threads = new LinkedHashMap<>();
        threads.put("io", 0.0025);
        threads.put("writer", 0.0015);
        LoadStep step = new LoadStep(1000, 5000, 4990.5, 3.2, 40.1, 5, 50, 200, 1.25, 0.004, threads, 0.0061, 1000, 0,
                0, null, null);
        assertTrue(step.line().contains("1000 devices:     4991 acked/s of     5000 asked"), step.line());
        assertTrue(step.line().contains("CPU 1.25 cores, 4.0 µs/record (io 2.5 writer 1.5); database 6.1 µs/record"), step.line());
        assertTrue(step.json().contains("\"gatewayCpuSecondsPer1000\":0.00400,\"gatewayThreadMicrosPerRecord\":{\"io\":2.50,\"writer\":1.50},"
                        + "\"databaseCpuSecondsPer1000\":0.00610"),
                step.json());
        assertTrue(step.json().startsWith("{\"devices\":1000,\"targetPerSecond\":5000,\"ackedPerSecond\":4990.5,"), step.json());
        assertTrue(step.json().endsWith("\"timeouts\":0}"), step.json());
    }

    @Test
    void forwardKafkaRunsEachStepOffThenOnWithoutASealedGraceWindow() {
        LoadOptions options = parse(null, "--forward-kafka", "--steps", "1000,3000");
        assertTrue(options.forwardKafka());
        assertEquals(Duration.ZERO, options.graceWindow(), "a fresh fleet's records must not wait sealed for minutes");
        assertEquals(Duration.ofSeconds(30), parse(null, "--forward-kafka", "--grace-window", "30s").graceWindow());
        assertEquals(false, parse(null).forwardKafka());
        ParameterException profiled = assertThrows(ParameterException.class,
                () -> parse(null, "--forward-kafka", "--profile", "p.jfr"));
        assertTrue(profiled.getMessage().contains("--profile"), profiled.getMessage());
    }

    @Test
    void aForwardingStepReportsItsModeRateAndDeliveryLag() {
        LoadStep step = new LoadStep(1000, 5000, 4990.5, 3.2, 40.1, 5, 50, 200, 1.25, 0.004, Map.of(), 0.0061, 1000,
                0, 0, "kafka", new DeliveryLag.Summary(4800.4, 120, 950, 1300, 149_000, 2));
        assertTrue(step.line().startsWith("kafka   1000 devices:"), step.line());
        assertTrue(step.line().endsWith("; forwarded 4800 rows/s, delivery lag ACK→read p50 120 ms p99 950 ms max"
                + " 1300 ms, 2 of 149000 not read"), step.line());
        assertTrue(step.json().endsWith(",\"forwarding\":\"kafka\",\"forwardedPerSecond\":4800.4,\"deliveryLagP50Ms\":120,"
                + "\"deliveryLagP99Ms\":950,\"deliveryLagMaxMs\":1300,\"forwardAcked\":149000,\"forwardUnread\":2}"),
                step.json());
    }
}
