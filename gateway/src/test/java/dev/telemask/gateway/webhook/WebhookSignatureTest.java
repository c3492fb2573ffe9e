package dev.telemask.gateway.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    @Test
    void signsTimestampDotBodyWithHmacSha256() {
        // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
        assertEquals("sha256=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789",
                WebhookSignature.sign("whsec_test", 1_700_000_000L, "{\"a\":1}"));
    }

    @Test
    void theTimestampAndTheSecretAreSigned() {
        String signature = WebhookSignature.sign("whsec_test", 1_700_000_000L, "{}");
        assertNotEquals(signature, WebhookSignature.sign("whsec_test", 1_700_000_001L, "{}"));
        assertNotEquals(signature, WebhookSignature.sign("whsec_other", 1_700_000_000L, "{}"));
    }
}
