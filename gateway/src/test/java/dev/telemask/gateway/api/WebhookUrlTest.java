package dev.telemask.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

class WebhookUrlTest {
    @Test
    void httpsAnywhereHttpOnlyToLoopback() {
        assertEquals("https://dispatch.example.com/hooks", WebhookResource.url(
                TextNode.valueOf("https://dispatch.example.com/hooks")));
        assertEquals("http://127.0.0.1:8081/h", WebhookResource.url(TextNode.valueOf("http://127.0.0.1:8081/h")));
        assertEquals("http://[::1]:8081/h", WebhookResource.url(TextNode.valueOf("http://[::1]:8081/h")));
        for (String refused : new String[] {"http://example.com/h", "http://10.0.0.1/h", "ftp://example.com/h",
                "https://user:pw@example.com/h", "/relative", "http://127.0.0.1.example.com/h"}) {
            ApiError error = assertThrows(ApiError.class, () -> WebhookResource.url(TextNode.valueOf(refused)),
                    refused);
            assertEquals("url", error.parameter(), refused);
        }
    }
}
