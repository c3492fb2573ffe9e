package dev.telemask.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What {@code load --forward-kafka} gives the gateway: settings the gateway documents (README's configuration
 * table, a key {@code a.b-c} read from {@code TELEMASK_A_B_C}), and the device time the consumer reads back.
 */
class ForwardingSetupTest {
    @Test
    void theGatewaysEnvironmentNamesDocumentedForwardingSettings() throws IOException {
        Map<String, String> env = ForwardingBroker.gatewayEnvironment("127.0.0.1:39092");
        assertEquals("127.0.0.1:39092", env.get("TELEMASK_FORWARD_KAFKA_BOOTSTRAP_SERVERS"));
        assertEquals(ForwardingBroker.POSITIONS_TOPIC, env.get("TELEMASK_FORWARD_KAFKA_TOPIC"));
        assertEquals(ForwardingBroker.EVENTS_TOPIC, env.get("TELEMASK_FORWARD_KAFKA_EVENTS_TOPIC"));

        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher row = Pattern.compile("^\\| `(forward\\.kafka\\.[a-z.-]+)` \\|", Pattern.MULTILINE).matcher(readme);
        Set<String> documented = row.results().map(m -> "TELEMASK_" + m.group(1).toUpperCase(Locale.ROOT)
                .replace('.', '_').replace('-', '_')).collect(Collectors.toSet());
        assertTrue(documented.containsAll(env.keySet()), env.keySet() + " not all in " + documented);
    }

    @Test
    void theConsumerReadsThePositionsDeviceTime() {
        String message = "{\"type\":\"position\",\"imei\":\"356307042441013\",\"position\":{\"time\":"
                + "\"2026-01-01T10:00:05.250Z\",\"treatment\":\"exact\",\"receivedAt\":\"2026-11-26T17:00:00Z\"}}";
        assertEquals(1_767_261_605_250L, ForwardedPositions.deviceTimeMillis(message));
    }
}
