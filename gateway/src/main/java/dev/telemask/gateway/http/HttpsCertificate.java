package dev.telemask.gateway.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * The HTTP port's certificate and key (PEM files), and their reload: every {@code interval} both files are read and
 * compared with those last loaded, and a changed pair is handed to the running server, which serves new connections
 * with it. The server is given the bytes that were checked, not the paths, so a file written meanwhile cannot slip
 * in. A pair that does not load (a file missing or not PEM, or the certificate replaced and its key not yet) leaves
 * the previous one in service and is tried again at the next check.
 */
public final class HttpsCertificate {
    private static final Logger LOG = System.getLogger(HttpsCertificate.class.getName());

    /** The two files' contents. */
    private record Pair(byte[] certificate, byte[] key) {
        boolean sameAs(Pair other) {
            return other != null && Arrays.equals(certificate, other.certificate) && Arrays.equals(key, other.key);
        }

        PemKeyCertOptions options() {
            return new PemKeyCertOptions().setCertValue(Buffer.buffer(certificate)).setKeyValue(Buffer.buffer(key));
        }
    }

    private final Path certificate;
    private final Path key;
    private final Duration interval;
    /** What the server serves; an update in flight is not started twice. */
    private volatile Pair loaded;
    private volatile boolean updating;
    private long timer = -1;

    /**
     * @param certificate the certificate chain, PEM, the server's certificate first
     * @param key         its private key, PEM (PKCS#8 or PKCS#1)
     * @param interval    how often to look for changed files; zero: never
     */
    public HttpsCertificate(Path certificate, Path key, Duration interval) {
        this.certificate = certificate;
        this.key = key;
        this.interval = interval;
    }

    /** What the server is started with; a pair that does not load stops the start with the reason. */
    PemKeyCertOptions keyCertOptions() throws IOException {
        Pair pair = new Pair(Files.readAllBytes(certificate), Files.readAllBytes(key));
        String mismatch = KeyPairCheck.mismatch(pair.certificate(), pair.key());
        if (mismatch != null) {
            throw new IllegalStateException("HTTPS certificate " + certificate + " with key " + key + ": " + mismatch);
        }
        loaded = pair;
        return pair.options();
    }

    /** Starts checking the files for {@code server}. */
    void watch(Vertx vertx, HttpServer server) {
        if (!interval.isZero()) {
            timer = vertx.setPeriodic(interval.toMillis(), id -> reloadIfChanged(server));
        }
    }

    void stop(Vertx vertx) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void reloadIfChanged(HttpServer server) {
        if (updating) {
            return;
        }
        Pair now;
        try {
            now = new Pair(Files.readAllBytes(certificate), Files.readAllBytes(key));
        } catch (IOException e) {
            notLoaded(e.toString());
            return;
        }
        if (now.sameAs(loaded)) {
            return;
        }
        String mismatch = KeyPairCheck.mismatch(now.certificate(), now.key());
        if (mismatch != null) {
            notLoaded(mismatch);
            return;
        }
        updating = true;
        // force: Vert.x would otherwise compare the options and might take the new pair for no change.
        server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(now.options()), true).onComplete(result -> {
            updating = false;
            if (result.succeeded()) {
                loaded = now;
                LOG.log(Level.INFO, "HTTPS certificate reloaded from {0}", certificate);
            } else {
                notLoaded(result.cause().toString());
            }
        });
    }

    private void notLoaded(String why) {
        LOG.log(Level.WARNING, "HTTPS certificate {0} with key {1} does not load ({2}); still serving the previous"
                + " one, trying again in {3}", certificate, key, why, interval);
    }
}
