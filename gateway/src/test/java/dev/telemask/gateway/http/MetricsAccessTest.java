package dev.telemask.gateway.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Who may read {@code /metrics}: with a token, whoever sends it; without one, only the loopback address. */
class MetricsAccessTest {
    private static final byte[] TOKEN = "s3cret-scrape".getBytes(StandardCharsets.UTF_8);

    @Test
    void withoutATokenOnlyTheLoopbackAddressReadsTheMetrics() {
        assertTrue(HttpEndpoint.authorised("127.0.0.1", null, null));
        assertTrue(HttpEndpoint.authorised("0:0:0:0:0:0:0:1", null, null));
        assertFalse(HttpEndpoint.authorised("10.0.0.7", null, null), "a scrape from the network");
        assertFalse(HttpEndpoint.authorised("2001:db8::7", "Bearer anything", null));
        assertFalse(HttpEndpoint.authorised("localhost", null, null), "a name is not resolved");
        assertFalse(HttpEndpoint.authorised(null, null, null), "no address known");
        assertFalse(HttpEndpoint.authorised("", null, null));
    }

    @Test
    void withATokenWhoeverSendsItReadsTheMetricsAndNobodyElse() {
        assertTrue(HttpEndpoint.authorised("10.0.0.7", "Bearer s3cret-scrape", TOKEN));
        assertTrue(HttpEndpoint.authorised("10.0.0.7", "bearer  s3cret-scrape ", TOKEN));
        assertFalse(HttpEndpoint.authorised("10.0.0.7", "Bearer s3cret-scrap", TOKEN));
        assertFalse(HttpEndpoint.authorised("127.0.0.1", null, TOKEN), "the loopback address needs it too");
        assertFalse(HttpEndpoint.authorised("10.0.0.7", "Basic czNjcmV0LXNjcmFwZQ==", TOKEN));
    }
}
