package dev.telemask.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.gateway.config.SourceNetworks;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which connections the first handler lets in, what it counts, and what it logs about the others. */
class ConnectionAdmissionTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final IngestMetrics metrics = new IngestMetrics(registry);
    private final List<String> lines = new ArrayList<>();
    private final RefusalLog refusals = new RefusalLog(() -> 0L, lines::add);

    private PeerChannel connect(ConnectionCounts counts, String from) {
        return connect(SourceNetworks.ANY, counts, from);
    }

    private PeerChannel connect(SourceNetworks allowed, ConnectionCounts counts, String from) {
        return new PeerChannel(from, new ConnectionAdmission(allowed, counts, metrics, refusals));
    }

    private double rejected(String reason) {
        return registry.get("telemask.connections.rejected").tag("reason", reason).counter().count();
    }

    @Test
    void oneAddressIsHeldToItsLimitWhileOthersStillConnect() {
        ConnectionCounts counts = new ConnectionCounts(metrics, 100, 2);
        PeerChannel first = connect(counts, "10.0.0.1");
        PeerChannel second = connect(counts, "10.0.0.1");
        PeerChannel third = connect(counts, "10.0.0.1");
        PeerChannel elsewhere = connect(counts, "10.0.0.2");

        assertTrue(first.isActive() && first.passedOn());
        assertTrue(second.isActive() && second.passedOn());
        assertFalse(third.isOpen(), "the third connection from one address is closed");
        assertFalse(third.passedOn(), "nothing after the admission saw it");
        assertTrue(elsewhere.isActive() && elsewhere.passedOn(), "another address is not held back");
        assertEquals(1, rejected("address_limit"));
        assertEquals(3, metrics.connections());
        assertEquals(List.of("refused device connection from 10.0.0.1: the address holds"
                + " device.max-connections-per-address connections"), lines);

        first.close();
        assertEquals(2, metrics.connections());
        assertTrue(connect(counts, "10.0.0.1").passedOn(), "a closed connection gives its place back");
    }

    @Test
    void theGatewayWideLimitHoldsWithoutAPerAddressLimit() {
        ConnectionCounts counts = new ConnectionCounts(metrics, 2, 0);
        assertTrue(connect(counts, "10.0.0.1").passedOn());
        assertTrue(connect(counts, "10.0.0.1").passedOn());
        PeerChannel third = connect(counts, "10.0.0.2");
        assertFalse(third.isOpen());
        assertFalse(third.passedOn());
        assertEquals(1, rejected("connection_limit"));
        assertEquals(0, rejected("address_limit"));
        assertEquals(2, metrics.connections());
    }

    @Test
    void refusedConnectionsAreNotCountedAsOpen() {
        ConnectionCounts counts = new ConnectionCounts(metrics, 100, 1);
        PeerChannel kept = connect(counts, "10.0.0.1");
        for (int i = 0; i < 5; i++) {
            connect(counts, "10.0.0.1").close();
        }
        assertEquals(1, metrics.connections());
        assertEquals(1, counts.openFrom(PeerChannel.ip("10.0.0.1")));
        kept.close();
        assertEquals(0, metrics.connections());
        assertEquals(0, counts.openFrom(PeerChannel.ip("10.0.0.1")));
        assertEquals(5, rejected("address_limit"));
        assertEquals(1, lines.size(), "one line for the address, however often it is refused");
    }

    @Test
    void anIpv6SubscriberIsCountedByItsSlash64() {
        ConnectionCounts counts = new ConnectionCounts(metrics, 100, 1);
        assertTrue(connect(counts, "2001:db8:1:2::1").passedOn());
        assertFalse(connect(counts, "2001:db8:1:2::ffff").passedOn(), "same /64");
        assertTrue(connect(counts, "2001:db8:1:3::1").passedOn(), "another /64");
    }

    @Test
    void aSourceOutsideTheAllowedNetworksIsClosedBeforeAnythingSeesItAndTakesNoPlace() {
        SourceNetworks apn = SourceNetworks.parse("device.allowed-networks", "10.64.0.0/10, 2001:db8::/32");
        ConnectionCounts counts = new ConnectionCounts(metrics, 100, 1);
        PeerChannel inside = connect(apn, counts, "10.100.3.4");
        PeerChannel outside = connect(apn, counts, "10.128.0.1");
        PeerChannel outsideAgain = connect(apn, counts, "10.128.0.1");
        PeerChannel v6 = connect(apn, counts, "2001:db8:1::7");

        assertTrue(inside.isActive() && inside.passedOn());
        assertTrue(v6.isActive() && v6.passedOn());
        assertFalse(outside.isOpen() || outside.passedOn(), "closed before the TLS handler or the session");
        assertFalse(outsideAgain.isOpen() || outsideAgain.passedOn());
        assertEquals(2, rejected("address_not_allowed"));
        assertEquals(0, rejected("address_limit"), "a refused source took no place under the per-address limit");
        assertEquals(2, metrics.connections());
        assertEquals(List.of("refused device connection from 10.128.0.1: the address is not in"
                + " device.allowed-networks"), lines, "one line for the address (the log's clock stands still)");
    }
}
