package dev.telemask.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.telemask.gateway.resilience.Eventually;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP port over HTTPS from a PEM certificate and key: the API and health answer with HSTS, plain HTTP gets no
 * answer, and a certificate replaced on disk is served to new connections without a restart.
 */
class HttpsIT extends GatewayTestBase {
    private static final X509Bundle FIRST = selfSigned("CN=first");
    private static final X509Bundle SECOND = selfSigned("CN=second");
    private static final Path DIR = directory();
    private static final Path CERTIFICATE = DIR.resolve("http.crt");
    private static final Path KEY = DIR.resolve("http.key");

    private static X509Bundle selfSigned(String subject) {
        try {
            return new CertificateBuilder().subject(subject).addSanDnsName("localhost").addSanIpAddress("127.0.0.1")
                    .setIsCertificateAuthority(true).buildSelfSigned();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path directory() {
        try {
            return Files.createTempDirectory("telemask-https-it");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code bundle} where the gateway reads its certificate, each file replaced in one step. */
    private static void install(X509Bundle bundle) throws IOException {
        Files.copy(bundle.toTempCertChainPem().toPath(), DIR.resolve("next.crt"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(bundle.toTempPrivateKeyPem().toPath(), DIR.resolve("next.key"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(DIR.resolve("next.key"), KEY, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(DIR.resolve("next.crt"), CERTIFICATE, StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    @AfterAll
    void removeFiles() throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(DIR)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(DIR);
    }

    @Override
    TestDatabase database() {
        return TestDatabase.EMBEDDED;
    }

    @Override
    Map<String, String> configuration() {
        try {
            install(FIRST);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return Map.of("http.tls.certificate", CERTIFICATE.toString(), "http.tls.key", KEY.toString(),
                "http.tls.reload-interval", "PT0.2S");
    }

    /** A client that trusts both test certificates, so that it can tell which one it was served. */
    private static HttpClient client() throws Exception {
        java.security.KeyStore trusted = java.security.KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("first", FIRST.getCertificate());
        trusted.setCertificateEntry("second", SECOND.getCertificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    }

    private HttpResponse<String> get(HttpClient client, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gateway.httpPort() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The subject of the certificate a new connection is served. */
    private String servedSubject() throws Exception {
        // A new client each time: a new TLS session, so a new handshake with the server's current certificate.
        HttpResponse<String> answer = get(client(), "/health/live");
        X509Certificate served = (X509Certificate) answer.sslSession().orElseThrow().getPeerCertificates()[0];
        return served.getSubjectX500Principal().getName();
    }

    @Test
    void theApiAndHealthAnswerOverHttpsWithHsts() throws Exception {
        HttpClient client = client();
        HttpResponse<String> live = get(client, "/health/live");
        assertEquals(200, live.statusCode());
        assertEquals("max-age=31536000", live.headers().firstValue("Strict-Transport-Security").orElse(null));
        HttpResponse<String> api = get(client, "/api/v1/devices");
        assertEquals(401, api.statusCode(), "the API itself answers (no token sent): " + api.body());
        assertEquals("max-age=31536000", api.headers().firstValue("Strict-Transport-Security").orElse(null));
    }

    @Test
    void theSessionCookieIsSecureOverHttps() throws Exception {
        javax.sql.DataSource dataSource = gateway.dataSource();
        dev.telemask.storage.query.Tenants tenants = new dev.telemask.storage.query.Tenants(dataSource);
        long tenant = tenants.create("https-fleet").orElseGet(() -> {
            try {
                return tenants.find("https-fleet").orElseThrow();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        String hash = new dev.telemask.gateway.account.PasswordHashes(
                new dev.telemask.gateway.account.PasswordHashes.Parameters(64, 1, 1)).hash("over tls only please");
        new dev.telemask.storage.query.UserStore(dataSource).insert(tenant, "tls-admin", "admin", null, hash);
        HttpResponse<String> signedIn = client().send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + gateway.httpPort() + "/api/v1/session"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\": \"https-fleet\", \"username\": \"tls-admin\","
                        + " \"password\": \"over tls only please\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, signedIn.statusCode(), signedIn.body());
        String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
        org.junit.jupiter.api.Assertions.assertTrue(List.of(cookie.split(";\\s*")).contains("Secure"),
                "Secure over TLS: " + cookie);
    }

    @Test
    void plainHttpGetsNoAnswer() {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.httpPort() + "/health/live"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void aReplacedCertificateIsServedWithoutARestart() throws Exception {
        assertEquals("CN=first", servedSubject());
        install(SECOND);
        Eventually.holds(() -> {
            try {
                return servedSubject().equals("CN=second");
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(20), () -> "the replaced certificate is served");
        install(FIRST); // as the other tests expect it, whatever their order
        Eventually.holds(() -> {
            try {
                return servedSubject().equals("CN=first");
            } catch (Exception e) {
                return false;
            }
        }, Duration.ofSeconds(20), () -> "the first certificate is served again");
    }

    @Test
    void aPairThatDoesNotLoadLeavesThePreviousInService() throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getLevel() == ch.qos.logback.classic.Level.WARN) {
                    warnings.add(event.getFormattedMessage());
                }
            }
        };
        Logger logger = (Logger) LoggerFactory.getLogger("dev.telemask.gateway.http.HttpsCertificate");
        capture.setContext(logger.getLoggerContext());
        capture.start();
        logger.addAppender(capture);
        try {
            assertEquals("CN=first", servedSubject());
            // The new certificate before its key: a mismatched pair on disk.
            Files.copy(SECOND.toTempCertChainPem().toPath(), CERTIFICATE, StandardCopyOption.REPLACE_EXISTING);
            Eventually.holds(() -> warnings.stream().anyMatch(w -> w.contains("the key is not the certificate's")),
                    Duration.ofSeconds(20), () -> "a WARN line about the mismatched pair: " + warnings);
            assertEquals("CN=first", servedSubject(), "the previous pair still serves");
            Files.copy(SECOND.toTempPrivateKeyPem().toPath(), KEY, StandardCopyOption.REPLACE_EXISTING);
            Eventually.holds(() -> {
                try {
                    return servedSubject().equals("CN=second");
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(20), () -> "the completed pair is served");
        } finally {
            logger.detachAppender(capture);
            install(FIRST);
            Eventually.holds(() -> {
                try {
                    return servedSubject().equals("CN=first");
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(20), () -> "the first certificate is served again");
        }
    }
}
