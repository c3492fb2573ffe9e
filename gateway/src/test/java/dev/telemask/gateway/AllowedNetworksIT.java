package dev.telemask.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.telemask.simulator.DeviceClient;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code device.allowed-networks} as the running gateway applies it: a registered device whose address is outside the
 * list gets no handshake answer, stores nothing, and is counted.
 */
class AllowedNetworksIT extends GatewayTestBase {
    @Override
    TestDatabase database() {
        return TestDatabase.EMBEDDED;
    }

    @Override
    Map<String, String> configuration() {
        return Map.of("device.allowed-networks", "192.0.2.0/24, 2001:db8::/32"); // the tests connect from 127.0.0.1
    }

    @Test
    void aRegisteredDeviceFromOutsideTheNetworksIsNotAnswered() throws Exception {
        long imei = device(officePolicy);
        try (DeviceClient outside = new DeviceClient(gateway.devicePort())) {
            assertThrows(IOException.class, () -> outside.handshake(imei), "closed before the handshake is read");
        }
        assertEquals(0, count(imei));
        // The refusal was counted before the connection was closed, so before the client saw the end of it.
        assertEquals(1, gateway.registry().get("telemask.connections.rejected").tag("reason", "address_not_allowed")
                .counter().count());
    }
}
