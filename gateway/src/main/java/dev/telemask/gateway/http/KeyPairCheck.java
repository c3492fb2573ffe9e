package dev.telemask.gateway.http;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a PEM key is the private key of a PEM certificate: the TLS stack accepts a mismatched pair and then fails
 * every handshake, which a certificate renewed file by file would otherwise cause between the two writes.
 */
final class KeyPairCheck {
    private static final Pattern PKCS8 = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final byte[] PROBE = "telemask key pair check".getBytes(StandardCharsets.US_ASCII);

    private KeyPairCheck() {}

    /**
     * Null when {@code key} signs what the first certificate of {@code certificate} verifies, or when the key is not
     * PKCS#8 (left to the TLS stack); otherwise why not.
     */
    static String mismatch(byte[] certificate, byte[] key) {
        try {
            X509Certificate served = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificate));
            Matcher pem = PKCS8.matcher(new String(key, StandardCharsets.US_ASCII));
            if (!pem.find()) {
                return null;
            }
            String algorithm = served.getPublicKey().getAlgorithm();
            PrivateKey privateKey = KeyFactory.getInstance(algorithm).generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(pem.group(1))));
            String scheme = switch (algorithm) {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                case "Ed25519", "EdDSA" -> "Ed25519";
                default -> null;
            };
            if (scheme == null) {
                return null;
            }
            Signature sign = Signature.getInstance(scheme);
            sign.initSign(privateKey);
            sign.update(PROBE);
            byte[] signature = sign.sign();
            Signature verify = Signature.getInstance(scheme);
            verify.initVerify(served.getPublicKey());
            verify.update(PROBE);
            return verify.verify(signature) ? null : "the key is not the certificate's";
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            return e.toString();
        }
    }
}
