package dev.telemask.gateway.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The HTTP port's certificate and key (PEM files), and their reload: every {@code interval} the files' modification
 * times and sizes are compared with those last loaded, and a change is handed to the running server, which serves
 * new connections with it. A pair that does not load (e.g. the certificate replaced, the key not yet) leaves the
 * previous one in service and is tried again at the next check.
 */
public final class HttpsCertificate {
    private static final Logger LOG = System.getLogger(HttpsCertificate.class.getName());

    private final Path certificate;
    private final Path key;
    private final Duration interval;
    /** The files' state when last loaded into the server. */
    private volatile List<Object> loaded;
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

    /** What the server is started with; notes the files' state as loaded. */
    PemKeyCertOptions keyCertOptions() {
        loaded = fileState();
        return pem();
    }

    private PemKeyCertOptions pem() {
        return new PemKeyCertOptions().setCertPath(certificate.toString()).setKeyPath(key.toString());
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
        List<Object> now = fileState();
        if (now.equals(loaded)) {
            return;
        }
        // force: the options name the same files as before, which Vert.x would otherwise take for no change.
        server.updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(pem()), true).onComplete(result -> {
            if (result.succeeded()) {
                loaded = now;
                LOG.log(Level.INFO, "HTTPS certificate reloaded from {0}", certificate);
            } else {
                LOG.log(Level.WARNING, "HTTPS certificate {0} with key {1} does not load ({2}); still serving the"
                        + " previous one, trying again in {3}", certificate, key, result.cause().toString(), interval);
            }
        });
    }

    /** Modification time and size of both files; an unreadable file counts as a change to try. */
    private List<Object> fileState() {
        try {
            return List.of(Files.getLastModifiedTime(certificate), Files.size(certificate),
                    Files.getLastModifiedTime(key), Files.size(key));
        } catch (IOException e) {
            return List.of(e.toString());
        }
    }
}
