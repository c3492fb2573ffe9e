package dev.telemask.gateway.forward;

import dev.telemask.codec.Imei;
import dev.telemask.gateway.api.ForwardedPosition;
import dev.telemask.gateway.config.ConfigException;
import dev.telemask.gateway.config.KafkaForwarding;
import dev.telemask.storage.KafkaOutbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.Reader;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces the outbox's Kafka rows (masked positions and events) to Kafka, at least once: claims due rows (shared
 * with the other instances through a lease), sends each keyed by IMEI with its delivery id in the
 * {@value #DELIVERY_HEADER} header through an idempotent producer (acks=all), and deletes the rows the broker
 * acknowledged. While Kafka is away the rows wait in the outbox, retried with a backoff, and go out when it is back.
 * It runs on a thread of its own with the API's connection pool: a dead broker never slows ingest or
 * acknowledgements.
 */
public final class KafkaForwarder implements AutoCloseable {
    /** The header with the outbox row's id: a consumer deduplicates by it. */
    public static final String DELIVERY_HEADER = "telemask-delivery";
    /** The header that says {@code position} or {@code event}. */
    public static final String TYPE_HEADER = "telemask-type";
    private static final Logger LOG = System.getLogger(KafkaForwarder.class.getName());
    private static final String SINK = "kafka";
    private static final int BATCH = 2_000;
    private static final long IDLE_POLL_MILLIS = 200;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** Longer than a send can take (max.block.ms plus delivery.timeout.ms), so a row is never sent twice at once. */
    private static final Duration LEASE = Duration.ofMinutes(2);
    /**
     * How long a claim's transaction may stay open: longer than a send can take (max.block.ms plus
     * delivery.timeout.ms, 40 s), so that the rows stay locked until the broker answered or the send gave up.
     */
    private static final Duration HOLD = Duration.ofSeconds(90);

    private final KafkaOutbox outbox;
    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final String eventsTopic;
    private final Counter forwarded;
    private final Counter failed;
    private final AtomicLong lagMillis = new AtomicLong();
    private final ScheduledThreadPoolExecutor poller = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform()
            .name("telemask-kafka-forwarder").daemon(true).factory());
    /** Rounds in a row that failed; only the poller thread touches it. */
    private int failures;
    private volatile boolean closed;

    private KafkaForwarder(DataSource dataSource, KafkaForwarding settings, MeterRegistry registry) {
        this.outbox = new KafkaOutbox(dataSource);
        this.poller.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.topic = settings.topic();
        this.eventsTopic = settings.eventsTopicOrTopic();
        this.producer = new KafkaProducer<>(producerProperties(settings), new StringSerializer(),
                new StringSerializer());
        this.forwarded = Counter.builder("telemask.forward.forwarded").tag("sink", SINK)
                .description("Positions and events the sink acknowledged").register(registry);
        this.failed = Counter.builder("telemask.forward.failed").tag("sink", SINK)
                .description("Sends the sink did not acknowledge (tried again later)").register(registry);
        Gauge.builder("telemask.forward.lag.seconds", lagMillis, v -> v.get() / 1000.0).tag("sink", SINK)
                .description("Age of the oldest row still to forward to the sink").register(registry);
    }

    /** Starts forwarding {@code dataSource}'s outbox to the Kafka of {@code settings}. */
    public static KafkaForwarder start(DataSource dataSource, KafkaForwarding settings, MeterRegistry registry) {
        KafkaForwarder forwarder = new KafkaForwarder(dataSource, settings, registry);
        forwarder.poller.execute(forwarder::poll);
        return forwarder;
    }

    /** The producer's properties: the file's, then what at-least-once without duplicates needs, which it cannot change. */
    static Properties producerProperties(KafkaForwarding settings) {
        Properties properties = new Properties();
        if (settings.propertiesFile() != null) {
            try (Reader reader = Files.newBufferedReader(settings.propertiesFile(), StandardCharsets.UTF_8)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new ConfigException("cannot read forward.kafka.properties-file " + settings.propertiesFile()
                        + ": " + e.getMessage());
            }
        }
        properties.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "telemask-gateway");
        properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        properties.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // The client logs each failed reconnection: while Kafka is down, at most one line per 10 s.
        properties.putIfAbsent(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "10000");
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        // Bounded, so that a dead broker fails a batch (which waits in the outbox) instead of holding it.
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        return properties;
    }

    /** One round: claims and sends a batch, then schedules the next, sooner when there is more to send. */
    private void poll() {
        long delay;
        try {
            boolean sentAll;
            int claimed;
            try (KafkaOutbox.Claim claim = outbox.claim(BATCH, LEASE, HOLD)) {
                claimed = claim.rows().size();
                sentAll = forward(claim);
            }
            lagMillis.set(outbox.lag().toMillis());
            failures = sentAll ? 0 : failures + 1;
            delay = !sentAll ? backoff(failures).toMillis() : claimed < BATCH ? IDLE_POLL_MILLIS : 0;
        } catch (Exception e) {
            failures++;
            LOG.log(failures == 1 ? Level.WARNING : Level.DEBUG, "Kafka outbox unavailable: {0}", e.toString());
            delay = backoff(failures).toMillis();
        }
        try {
            poller.schedule(this::poll, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closed meanwhile: no next round.
        }
    }

    /**
     * Sends the claimed rows and records what became of them, all while the claim holds them: an erasure of one of
     * them waits for this send to end. False when some were not acknowledged.
     */
    private boolean forward(KafkaOutbox.Claim claim) throws Exception {
        List<KafkaOutbox.Pending> due = claim.rows();
        List<Long> done = new ArrayList<>();
        List<Long> sentIds = new ArrayList<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        List<Long> notSent = new ArrayList<>();
        String error = null;
        for (KafkaOutbox.Pending row : due) {
            if (error != null) {
                notSent.add(row.id()); // the broker is away: the rest waits rather than blocking one by one
                continue;
            }
            if (row.ofPosition() && row.position() == null) {
                done.add(row.id()); // erased while it waited: nothing of it may be sent
                continue;
            }
            ProducerRecord<String, String> record = row.ofPosition()
                    ? new ProducerRecord<>(topic, Imei.format(row.imei()), ForwardedPosition.json(row.position()))
                    : new ProducerRecord<>(eventsTopic, Imei.format(row.imei()), row.payload());
            record.headers().add(DELIVERY_HEADER, Long.toString(row.id()).getBytes(StandardCharsets.US_ASCII));
            record.headers().add(TYPE_HEADER, (row.ofPosition() ? "position" : "event")
                    .getBytes(StandardCharsets.US_ASCII));
            Future<RecordMetadata> send;
            try {
                send = producer.send(record);
            } catch (RuntimeException e) {
                error = e.getClass().getSimpleName();
                notSent.add(row.id());
                continue;
            }
            // The producer answers a send it could not even queue (no metadata for the topic within max.block.ms,
            // say) with a future that has already failed, not with an exception: taken for a throw, so that one
            // wait on a broker that is away puts the rest off instead of each row waiting as long again.
            String refused = refusal(send);
            if (refused != null) {
                error = refused;
                notSent.add(row.id());
            } else {
                sent.add(send);
                sentIds.add(row.id());
            }
        }
        for (int i = 0; i < sent.size(); i++) {
            try {
                sent.get(i).get();
                done.add(sentIds.get(i));
            } catch (ExecutionException e) {
                error = e.getCause() == null ? "failed" : e.getCause().getClass().getSimpleName();
                notSent.add(sentIds.get(i));
            }
        }
        int attempts = 1;
        for (KafkaOutbox.Pending row : due) {
            attempts = Math.max(attempts, row.attempts() + 1);
        }
        claim.finish(done, notSent, error, Instant.now().plus(backoff(attempts)));
        forwarded.increment(done.size());
        if (!notSent.isEmpty()) {
            failed.increment(notSent.size());
            LOG.log(Level.DEBUG, "Kafka did not take {0} rows ({1}); they wait in the outbox", notSent.size(), error);
        }
        return notSent.isEmpty();
    }

    /** The error of a send that failed before the producer queued it, null when it is under way or done. */
    private static String refusal(Future<RecordMetadata> send) throws InterruptedException {
        if (!send.isDone()) {
            return null;
        }
        try {
            send.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() == null ? "failed" : e.getCause().getClass().getSimpleName();
        }
    }

    private static Duration backoff(int failures) {
        Duration wait = Duration.ofMillis(500L << Math.min(failures - 1, 10));
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    /**
     * Stops forwarding: a round in progress may finish; one waiting on a broker that is away is cut short (its rows
     * stay in the outbox for the next start or another instance).
     */
    @Override
    public void close() {
        closed = true;
        poller.shutdown();
        try {
            if (!poller.awaitTermination(2, TimeUnit.SECONDS)) {
                producer.close(Duration.ZERO);
                poller.awaitTermination(15, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poller.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
