package dev.telemask.gateway.config;

import java.nio.file.Path;

/**
 * Where masked positions and events are forwarded to Kafka ({@code forward.kafka.*}): off while
 * {@code bootstrapServers} is null. Events go to {@code eventsTopic}, or with the positions when it is null; every
 * message says its {@code type}.
 *
 * @param propertiesFile more producer properties (TLS, SASL), or null; it cannot turn idempotence or acks=all off
 */
public record KafkaForwarding(String bootstrapServers, String topic, String eventsTopic, Path propertiesFile) {
    public KafkaForwarding {
        if (topic == null || topic.isBlank()) {
            throw new ConfigException("forward.kafka.topic must be set");
        }
    }

    /** Whether forwarding to Kafka is on. */
    public boolean enabled() {
        return bootstrapServers != null;
    }

    /** The topic of events. */
    public String eventsTopicOrTopic() {
        return eventsTopic == null ? topic : eventsTopic;
    }
}
