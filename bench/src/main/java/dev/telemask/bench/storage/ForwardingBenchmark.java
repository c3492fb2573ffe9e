package dev.telemask.bench.storage;

import com.zaxxer.hikari.HikariDataSource;
import dev.telemask.gateway.config.KafkaForwarding;
import dev.telemask.gateway.forward.KafkaForwarder;
import dev.telemask.privacy.Treatment;
import dev.telemask.storage.Migrations;
import dev.telemask.storage.PositionWriter;
import dev.telemask.storage.StorageDatabase;
import dev.telemask.storage.WriterSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Ingest with Kafka forwarding off and on, in one run: the default writer (two threads, 10,000-record transactions)
 * stores the same frames into a fresh schema, once as a deployment without forwarding and once with every position
 * queued for Kafka, whose forwarder (the gateway's {@link KafkaForwarder}, on a pool of its own) produces them to a
 * one-node KRaft broker started in this JVM on loopback while a consumer reads them. Reports ingest rows/s (first
 * offer to last commit) for both, and for forwarding the delivery lag: from a record's commit (its ACK) to the
 * consumer reading it, p50 / p99 / max.
 */
final class ForwardingBenchmark {
    private static final long T0 = 1_767_225_600_000L;
    private static final long FIRST_IMEI = 350_000_000_000_000L;
    private static final AtomicInteger RUNS = new AtomicInteger();

    private ForwardingBenchmark() {
    }

    static void compare(String url, int rows) throws Exception {
        try (KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true)
                .setNumBrokerNodes(1).setNumControllerNodes(1).build()).build()) {
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            System.out.printf("%d records per case (%d-record frames from %d devices), 2 writers, 10,000 per"
                    + " transaction, after a warm-up run of each%n", rows, PositionWriteBenchmark.RECORDS_PER_FRAME,
                    PositionWriteBenchmark.DEVICES);
            run(url, kafka, Math.min(rows, 50_000), false);
            run(url, kafka, Math.min(rows, 50_000), true);
            System.out.printf("%-14s %12s %10s %10s %10s %16s%n", "forwarding", "ingest r/s", "lag p50", "lag p99",
                    "lag max", "forwarded r/s");
            for (int round = 0; round < 3; round++) {
                for (boolean forward : new boolean[] {false, true}) {
                    System.out.println(run(url, kafka, rows, forward));
                }
            }
        }
    }

    private static String run(String url, KafkaClusterTestKit kafka, int rows, boolean forward) throws Exception {
        String schema = "bench_fwd_" + ProcessHandle.current().pid() + "_" + RUNS.incrementAndGet();
        String topic = "positions-" + schema;
        try (HikariDataSource admin = StorageDatabase.pool(url, null, null, 1)) {
            PositionWriteBenchmark.execute(admin, "CREATE SCHEMA " + schema);
        }
        try (var kafkaAdmin = kafka.admin()) {
            kafkaAdmin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        String scoped = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema + ",public";
        try (HikariDataSource pool = StorageDatabase.pool(scoped, null, null, 3);
             HikariDataSource forwarderPool = StorageDatabase.pool(scoped, null, null, 2)) {
            Migrations.migrate(pool);
            PositionWriteBenchmark.execute(pool, "INSERT INTO tenants (name) VALUES ('bench')");
            PositionWriteBenchmark.execute(pool, "INSERT INTO devices (imei, tenant_id) SELECT " + FIRST_IMEI
                    + " + d, (SELECT id FROM tenants) FROM generate_series(0, " + (PositionWriteBenchmark.DEVICES - 1)
                    + ") d");
            byte[] treatments = new byte[PositionWriteBenchmark.RECORDS_PER_FRAME];
            Arrays.fill(treatments, Treatment.EXACT.code());
            int frames = rows / PositionWriteBenchmark.RECORDS_PER_FRAME;
            AtomicLongArray acked = new AtomicLongArray(frames);
            CountDownLatch done = new CountDownLatch(frames);
            AtomicInteger failures = new AtomicInteger();
            PositionWriter writer = PositionWriter.start(pool, WriterSettings.defaults(),
                    PositionWriteBenchmark.SEALER, forward, new SimpleMeterRegistry());
            KafkaForwarder forwarder = forward ? KafkaForwarder.start(forwarderPool, new KafkaForwarding(
                    kafka.bootstrapServers(), topic, null, null), new SimpleMeterRegistry()) : null;
            long start = System.nanoTime();
            for (int i = 0; i < frames; i++) {
                int frame = i;
                PositionWriteBenchmark.offer(writer, PositionWriteBenchmark.frame(i, treatments), (b, failure) -> {
                    if (failure != null) {
                        failures.incrementAndGet();
                    }
                    acked.set(frame, System.nanoTime());
                    done.countDown();
                });
            }
            if (!done.await(10, TimeUnit.MINUTES) || failures.get() > 0) {
                throw new IllegalStateException("the writer did not store every frame: " + failures + " failed");
            }
            double ingest = rows * 1e9 / (System.nanoTime() - start);
            writer.close(Duration.ofSeconds(30));
            String line = String.format("%-14s %,12.0f", forward ? "Kafka" : "off", ingest);
            if (forward) {
                Histogram lagMillis = new Histogram(TimeUnit.MINUTES.toMillis(30), 3);
                long last = consume(kafka.bootstrapServers(), topic, rows, acked, lagMillis);
                forwarder.close();
                line += String.format(" %8d ms %8d ms %8d ms %,16.0f", lagMillis.getValueAtPercentile(50),
                        lagMillis.getValueAtPercentile(99), lagMillis.getMaxValue(), rows * 1e9 / (last - start));
            }
            PositionWriteBenchmark.execute(pool, "DROP SCHEMA " + schema + " CASCADE");
            return line;
        }
    }

    /** Reads {@code rows} positions from the topic, each one's lag from its frame's ACK; returns the last's time. */
    private static long consume(String bootstrap, String topic, int rows, AtomicLongArray acked, Histogram lagMillis) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        long last = System.nanoTime();
        int received = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            while (received < rows) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + received + " of " + rows + " positions reached Kafka");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    String value = record.value();
                    int at = value.indexOf("\"time\":\"") + 8;
                    long time = Instant.parse(value.substring(at, value.indexOf('"', at))).toEpochMilli();
                    long k = (time - T0) / (PositionWriteBenchmark.RECORDS_PER_FRAME * 1000L);
                    int frame = (int) (k * PositionWriteBenchmark.DEVICES + Long.parseLong(record.key()) - FIRST_IMEI);
                    lagMillis.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMillis(now - acked.get(frame))));
                    received++;
                    last = now;
                }
            }
        }
        return last;
    }
}
