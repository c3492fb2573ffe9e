package dev.telemask.gateway.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.gateway.config.ConfigLoader;
import dev.telemask.gateway.config.KafkaForwarding;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka forwarding's settings: off by default, on from the environment, and a producer that stays idempotent. */
class KafkaForwardingConfigTest {
    @TempDir
    Path dir;

    @Test
    void offByDefaultAndOnFromTheEnvironmentWithEventsBesideThePositions() {
        assertFalse(ConfigLoader.load(null, Map.of(), Map.of()).kafka().enabled());
        KafkaForwarding kafka = ConfigLoader.load(null, Map.of("TELEMASK_FORWARD_KAFKA_BOOTSTRAP_SERVERS",
                "127.0.0.1:9092", "TELEMASK_FORWARD_KAFKA_TOPIC", "fleet"), Map.of()).kafka();
        assertTrue(kafka.enabled());
        assertEquals("127.0.0.1:9092", kafka.bootstrapServers());
        assertEquals("fleet", kafka.topic());
        assertEquals("fleet", kafka.eventsTopicOrTopic(), "events go with the positions unless given a topic");
        assertEquals("fleet-events", ConfigLoader.load(null, Map.of("TELEMASK_FORWARD_KAFKA_EVENTS_TOPIC",
                "fleet-events"), Map.of()).kafka().eventsTopicOrTopic());
    }

    @Test
    void thePropertiesFileAddsSettingsButCannotTurnIdempotenceOrAcksOff() throws Exception {
        Path file = dir.resolve("kafka.properties");
        Files.writeString(file, "security.protocol=SSL\nenable.idempotence=false\nacks=1\n");
        Properties producer = KafkaForwarder.producerProperties(new KafkaForwarding("127.0.0.1:9092", "t", null,
                file));
        assertEquals("SSL", producer.getProperty("security.protocol"));
        assertEquals("true", producer.getProperty("enable.idempotence"));
        assertEquals("all", producer.getProperty("acks"));
        assertEquals("127.0.0.1:9092", producer.getProperty("bootstrap.servers"));
    }
}
