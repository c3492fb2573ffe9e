package dev.telemask.bench.load;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * The Kafka a load run forwards to: one KRaft node (broker and controller) in this JVM, Kafka's own test kit, on
 * loopback, its log in a temporary directory that closing removes; with the positions' and the events' topics.
 */
final class ForwardingBroker implements AutoCloseable {
    static final String POSITIONS_TOPIC = "telemask.load.positions";
    static final String EVENTS_TOPIC = "telemask.load.events";

    private final KafkaClusterTestKit cluster;

    private ForwardingBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts the node and creates the two topics, one partition each. */
    static ForwardingBroker start() throws Exception {
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .build();
        ForwardingBroker broker = new ForwardingBroker(cluster);
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            try (var admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic(POSITIONS_TOPIC, 1, (short) 1),
                        new NewTopic(EVENTS_TOPIC, 1, (short) 1))).all().get();
            }
            return broker;
        } catch (Exception e) {
            broker.close();
            throw e;
        }
    }

    /** {@code host:port} of the broker's client listener. */
    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The gateway's environment that forwards its positions and events here. */
    Map<String, String> gatewayEnvironment() {
        return gatewayEnvironment(bootstrapServers());
    }

    /** The gateway's forwarding configuration ({@code forward.kafka.*}) as environment variables. */
    static Map<String, String> gatewayEnvironment(String bootstrapServers) {
        return Map.of("TELEMASK_FORWARD_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers,
                "TELEMASK_FORWARD_KAFKA_TOPIC", POSITIONS_TOPIC,
                "TELEMASK_FORWARD_KAFKA_EVENTS_TOPIC", EVENTS_TOPIC);
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
