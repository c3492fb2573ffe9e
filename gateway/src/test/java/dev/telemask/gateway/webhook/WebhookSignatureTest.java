package dev.telemask.gateway.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    @Test
    void signsTimestampDotDeliveryDotBodyWithHmacSha256() {
        // printf '1700000000.42.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assertEquals("sha256=e77f8655a2c6097497ab8c83e308d0a0c0a9630717c13fbf08876991c2f1e19a",
                WebhookSignature.sign("whsec_test", 1_700_000_000L, 42, "{\"a\":1}"));
    }

    @Test
    void theTimestampTheDeliveryAndTheSecretAreSigned() {
        String signature = WebhookSignature.sign("whsec_test", 1_700_000_000L, 42, "{}");
        assertNotEquals(signature, WebhookSignature.sign("whsec_test", 1_700_000_001L, 42, "{}"));
        assertNotEquals(signature, WebhookSignature.sign("whsec_test", 1_700_000_000L, 43, "{}"),
                "a delivery replayed under another id does not verify");
        assertNotEquals(signature, WebhookSignature.sign("whsec_other", 1_700_000_000L, 42, "{}"));
    }
}
