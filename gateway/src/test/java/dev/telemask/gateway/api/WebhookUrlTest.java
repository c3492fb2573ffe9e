package dev.telemask.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

class WebhookUrlTest {
    @Test
    void httpsToPublicHostsHttpOnlyToLoopback() {
        // A literal public address: a name would need DNS, which a build machine may not have.
        assertEquals("https://93.184.215.14/hooks", WebhookResource.url(TextNode.valueOf("https://93.184.215.14/hooks")));
        assertEquals("http://127.0.0.1:8081/h", WebhookResource.url(TextNode.valueOf("http://127.0.0.1:8081/h")));
        assertEquals("http://[::1]:8081/h", WebhookResource.url(TextNode.valueOf("http://[::1]:8081/h")));
        for (String refused : new String[] {"http://example.com/h", "http://10.0.0.1/h", "ftp://example.com/h",
                "https://user:pw@example.com/h", "/relative", "http://127.0.0.1.example.com/h", "https://10.0.0.1/h",
                "https://169.254.169.254/latest", "https://127.0.0.1:8080/api/v1/devices"}) {
            ApiError error = assertThrows(ApiError.class, () -> WebhookResource.url(TextNode.valueOf(refused)),
                    refused);
            assertEquals("url", error.parameter(), refused);
        }
    }
}
