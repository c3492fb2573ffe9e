package dev.telemask.gateway.http;

import dev.telemask.gateway.api.FleetApi;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.BooleanSupplier;
import java.sql.Connection;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * The HTTP port (HTTPS when given a certificate, with HSTS): Prometheus metrics (behind a bearer token when one is configured), liveness and readiness without
 * a token, everything under {@code /api/v1/} handed to the fleet API, and the fleet console's page and assets at
 * {@code /}.
 */
public final class HttpEndpoint implements AutoCloseable {
    private static final String JSON = "application/json";

    /** HTTPS only, for a year: a browser that once reached the console over HTTPS never tries plain HTTP. */
    static final String HSTS = "max-age=31536000";

    private final Vertx vertx;
    private final HttpServer server;
    private final HttpsCertificate https;

    private HttpEndpoint(Vertx vertx, HttpServer server, HttpsCertificate https) {
        this.vertx = vertx;
        this.server = server;
        this.https = https;
    }

    /**
     * Listens on {@code host:port} (0: any free port).
     *
     * @param dataSource   what readiness asks; the API's pool, so that probes never take an ingest connection
     * @param serverUp     whether the embedded database's server runs (a supervised one that died answers not ready
     *                     at once, where a connection attempt would take the pool's timeout to fail)
     * @param metricsToken the bearer token {@code /metrics} requires; null: none
     * @param api          puts the fleet API's routes ({@code /api/...}) on the server's router; null answers those
     *                     with 404
     * @param console      the fleet console's assets and map settings
     * @param https        the certificate for HTTPS, reloaded when its files change; null: plain HTTP
     */
    public static HttpEndpoint start(Vertx vertx, String host, int port, PrometheusMeterRegistry registry,
                                     DataSource dataSource, BooleanSupplier serverUp, String metricsToken,
                                     Consumer<Router> api, ConsoleAssets console, HttpsCertificate https)
            throws Exception {
        byte[] token = metricsToken == null ? null : metricsToken.getBytes(StandardCharsets.UTF_8);
        HttpServerOptions options = new HttpServerOptions().setMaxInitialLineLength(FleetApi.MAX_REQUEST_LINE);
        if (https != null) {
            options.setSsl(true).setKeyCertOptions(https.keyCertOptions());
        }
        Router router = Router.router(vertx);
        if (https != null) {
            router.route().handler(ctx -> {
                ctx.response().putHeader("Strict-Transport-Security", HSTS);
                ctx.next();
            });
        }
        if (api != null) {
            api.accept(router);
        } else {
            router.route("/api/*").handler(ctx -> reply(ctx, 404,
                    "{\"error\":\"not_found\",\"message\":\"no API on this instance\"}"));
        }
        console.mount(router);
        router.get("/metrics").handler(ctx -> metrics(vertx, ctx, registry, token));
        router.get("/health/live").handler(ctx -> reply(ctx, 200, "{\"status\":\"UP\"}"));
        router.get("/health/ready").handler(ctx -> vertx.executeBlocking(
                () -> serverUp.getAsBoolean() && databaseAnswers(dataSource)).onComplete(result -> {
                    boolean ready = result.succeeded() && result.result();
                    reply(ctx, ready ? 200 : 503, ready ? "{\"status\":\"UP\"}"
                            : "{\"status\":\"DOWN\",\"reason\":\"the database does not answer\"}");
                }));
        router.route().handler(ctx -> {
            if (ctx.request().method() != HttpMethod.GET) {
                reply(ctx, 405, "{\"error\":\"method_not_allowed\",\"message\":\"only GET here\"}");
            } else {
                reply(ctx, 404, "{\"error\":\"not_found\",\"message\":\"no such path: "
                        + escape(ctx.request().path()) + "\"}");
            }
        });
        HttpServer server = vertx.createHttpServer(options).requestHandler(router)
                .listen(port, host)
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        if (https != null) {
            https.watch(vertx, server);
        }
        return new HttpEndpoint(vertx, server, https);
    }

    private static void metrics(Vertx vertx, RoutingContext ctx, PrometheusMeterRegistry registry, byte[] token) {
        io.vertx.core.net.SocketAddress remote = ctx.request().remoteAddress();
        if (!authorised(remote == null ? null : remote.hostAddress(), ctx.request().getHeader("Authorization"),
                token)) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            reply(ctx, 401, token == null
                    ? "{\"error\":\"unauthorized\",\"message\":\"no metrics token is configured, so /metrics"
                            + " answers only on the loopback address: set metrics.token to scrape from elsewhere\"}"
                    : "{\"error\":\"unauthorized\",\"message\":\"send the metrics token:"
                            + " Authorization: Bearer ...\"}");
            return;
        }
        vertx.executeBlocking(registry::scrape).onComplete(result -> {
            if (result.succeeded()) {
                ctx.response().putHeader("Cache-Control", "no-store").putHeader("X-Content-Type-Options", "nosniff")
                        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(result.result());
            } else {
                reply(ctx, 500, "{\"error\":\"metrics_unavailable\"}");
            }
        });
    }

    /**
     * Whether a request for {@code /metrics} from {@code remoteAddress} (an IP literal, null when unknown) with
     * {@code header} as its {@code Authorization} may read it: with a token configured, when it carries the token
     * (compared in constant time); without one, only from the loopback address. The counters are deployment-wide but
     * not anonymous on a small deployment (a zone's records counted while one device reports say when it is near a
     * protected place), so an unset token does not open them to the network.
     */
    static boolean authorised(String remoteAddress, String header, byte[] token) {
        if (token == null) {
            return loopback(remoteAddress);
        }
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, header.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    private static boolean loopback(String address) {
        if (address == null || address.isEmpty() || !(address.indexOf(':') >= 0 || Character.isDigit(address.charAt(0)))) {
            return false; // not an IP literal: never resolved here
        }
        try {
            return java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static boolean databaseAnswers(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2);
        } catch (Exception e) {
            return false;
        }
    }

    private static void reply(RoutingContext ctx, int status, String json) {
        ctx.response().setStatusCode(status).putHeader("Cache-Control", "no-store")
                .putHeader("X-Content-Type-Options", "nosniff").putHeader("Content-Type", JSON).end(json);
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7F) {
                out.append(c);
            }
        }
        return out.toString();
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() throws Exception {
        if (https != null) {
            https.stop(vertx);
        }
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
