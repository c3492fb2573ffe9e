package dev.telemask.gateway.forward;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A one-node KRaft Kafka in this JVM (Kafka's own test kit), on loopback, whose broker can be stopped and started
 * again on the same port, and a consumer that reads a topic from its start.
 */
final class InProcessKafka implements AutoCloseable {
    private final KafkaClusterTestKit cluster;
    private KafkaConsumer<String, String> consumer;

    private InProcessKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts the broker and makes {@code topics} with one partition each. */
    static InProcessKafka start(String... topics) throws Exception {
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        InProcessKafka kafka = new InProcessKafka(cluster);
        try (var admin = cluster.admin()) {
            List<NewTopic> created = new ArrayList<>();
            for (String topic : topics) {
                // The broker stamps each record as it appends it: a test can tell when a record arrived, not when it was sent.
                created.add(new NewTopic(topic, 1, (short) 1).configs(java.util.Map.of("message.timestamp.type",
                        "LogAppendTime")));
            }
            admin.createTopics(created).all().get();
        }
        return kafka;
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Stops the broker (the controller stays): clients find nothing at its address until {@link #startBroker}. */
    void stopBroker() {
        BrokerServer broker = broker();
        broker.shutdown();
        broker.awaitShutdown();
    }

    void startBroker() throws Exception {
        broker().startup();
        cluster.waitForReadyBrokers();
    }

    private BrokerServer broker() {
        return cluster.brokers().values().iterator().next();
    }

    /** What arrived on {@code topic} since the last call (from its start on the first). */
    synchronized List<ConsumerRecord<String, String>> poll(String topic) {
        if (consumer == null) {
            Properties properties = new Properties();
            properties.putAll(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"));
            consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
            consumer.assign(List.of(new org.apache.kafka.common.TopicPartition(topic, 0)));
            consumer.seekToBeginning(consumer.assignment());
        }
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        return out;
    }

    @Override
    public synchronized void close() throws Exception {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(2));
        }
        cluster.close();
    }
}
