package dev.telemask.gateway.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Telemask-Signature} of a delivery: {@code sha256=} and the hex HMAC-SHA256, under the webhook's
 * secret, of {@code <timestamp>.<delivery id>.<body>} ({@code timestamp} the {@code X-Telemask-Timestamp} header, Unix
 * seconds; the id the {@code X-Telemask-Delivery} header). Signing the timestamp lets a receiver refuse an old
 * delivery replayed; signing the id, a delivery replayed under another id to get past its deduplication.
 */
public final class WebhookSignature {
    public static final String HEADER = "X-Telemask-Signature";
    public static final String TIMESTAMP_HEADER = "X-Telemask-Timestamp";
    public static final String DELIVERY_HEADER = "X-Telemask-Delivery";

    private WebhookSignature() {
    }

    /** The header value for delivery {@code deliveryId} of {@code body} sent at {@code timestamp}. */
    public static String sign(String secret, long timestamp, long deliveryId, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + "." + deliveryId + ".").getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
