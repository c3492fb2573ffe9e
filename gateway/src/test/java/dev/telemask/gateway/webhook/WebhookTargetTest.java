package dev.telemask.gateway.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** A fleet admin cannot aim deliveries, or their error reports, at the gateway's own network. */
class WebhookTargetTest {
    @Test
    void httpsGoesOnlyToPublicAddresses() {
        for (String inside : new String[] {"https://127.0.0.1/x", "https://10.1.2.3/x", "https://172.16.0.9/x",
                "https://192.168.1.1/x", "https://169.254.169.254/latest/meta-data", "https://100.64.0.1/x",
                "https://0.0.0.0/x", "https://[::1]/x", "https://[fd00::1]/x", "https://[fe80::1]/x",
                "https://224.0.0.1/x"}) {
            assertEquals("the host is not a public address", WebhookTarget.refusal(URI.create(inside)), inside);
        }
        assertNull(WebhookTarget.refusal(URI.create("https://93.184.215.14/hook")));
        assertNull(WebhookTarget.refusal(URI.create("https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook")));
    }

    @Test
    void plainHttpGoesOnlyToLoopback() {
        assertNull(WebhookTarget.refusal(URI.create("http://127.0.0.1:9000/hook")));
        assertEquals("plain http only to a loopback address",
                WebhookTarget.refusal(URI.create("http://10.0.0.1/hook")));
    }
}
