package dev.telemask.bench.load;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every forwarded position from the positions' topic, from its start, on a thread of its own, and tells the
 * {@link DeliveryLag} of the current step which record (IMEI, device time) it read and when.
 */
final class ForwardedPositions implements AutoCloseable {
    private static final String TIME_FIELD = "\"time\":\"";

    private final KafkaConsumer<String, String> consumer;
    private final Thread thread;
    private volatile DeliveryLag lag;

    private ForwardedPositions(KafkaConsumer<String, String> consumer) {
        this.consumer = consumer;
        this.thread = new Thread(this::run, "forwarded-positions");
        this.thread.setDaemon(true);
    }

    static ForwardedPositions start(String bootstrapServers, String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000),
                new StringDeserializer(), new StringDeserializer());
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        ForwardedPositions positions = new ForwardedPositions(consumer);
        positions.thread.start();
        return positions;
    }

    /** From now on the positions read go to {@code next}; null: nobody counts them. */
    void countInto(DeliveryLag next) {
        lag = next;
    }

    private void run() {
        try {
            while (true) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.nanoTime();
                    DeliveryLag current = lag;
                    if (current != null) {
                        current.delivered(Long.parseLong(record.key()), deviceTimeMillis(record.value()), now);
                    }
                }
            }
        } catch (WakeupException closing) {
            // close() asked the poll to end
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /**
     * The position's device time: the message's first {@code time} field, that of its {@code position} object
     * ({@code {"type":"position","imei":"...","position":{"time":"...",...}}}); found by search, not parsed as a
     * tree, because this thread shares the machine's cores with the gateway it measures.
     */
    static long deviceTimeMillis(String message) {
        int at = message.indexOf(TIME_FIELD);
        if (at < 0) {
            throw new IllegalArgumentException("a forwarded position without a time: " + message);
        }
        at += TIME_FIELD.length();
        return Instant.parse(message.substring(at, message.indexOf('"', at))).toEpochMilli();
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(10_000);
    }
}
