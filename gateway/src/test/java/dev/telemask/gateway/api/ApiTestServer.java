package dev.telemask.gateway.api;

import dev.telemask.gateway.DatabaseDump;
import dev.telemask.gateway.TestDatabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.telemask.storage.EmbeddedDatabase;
import dev.telemask.storage.Migrations;
import dev.telemask.storage.StorageDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The fleet API over real HTTP for integration tests: a fresh, migrated schema on a JVM-wide embedded PostgreSQL,
 * and a Vert.x HTTP server on 127.0.0.1 (a free port) whose router has {@link FleetApi}'s routes, as the gateway's
 * server has.
 */
final class ApiTestServer implements AutoCloseable {
    private static final AtomicInteger SCHEMAS = new AtomicInteger();
    /** The tests' seal key for zone centres, outside the database as the gateway's is. */
    static final dev.telemask.storage.SealedZones ZONES = new dev.telemask.storage.SealedZones(
            new dev.telemask.storage.FieldSealer(dev.telemask.storage.SealingKeys.of("test",
                    "telemask-api-tests-seal-key-32b!".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    "the API tests")));
    /**
     * The live stream's bounds in these tests: the defaults, but each stream's credential checked again four times a
     * second rather than every minute, so that a test sees a revoked or changed credential end its stream at once.
     */
    static final LiveSettings LIVE = new LiveSettings(LiveSettings.defaults().maxClients(),
            LiveSettings.defaults().maxBufferBytes(), LiveSettings.defaults().heartbeat(),
            java.time.Duration.ofMillis(250));
    private static EmbeddedDatabase database;

    final HikariDataSource dataSource;
    final FleetApi api;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Vertx vertx;
    private final HttpServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    /** An answer: status, body text, headers. */
    record Response(int status, String body, HttpHeaders headers) {
        JsonNode json() {
            try {
                return ApiRequest.JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }
    }

    private ApiTestServer(HikariDataSource dataSource, Clock clock, LiveSettings live,
                          java.util.function.BiConsumer<Vertx, io.vertx.ext.web.Router> before) {
        this.dataSource = dataSource;
        this.vertx = Vertx.vertx();
        this.api = new FleetApi(vertx, dataSource, registry, clock, ZONES, ApiSettings.defaults(), live);
        io.vertx.ext.web.Router router = io.vertx.ext.web.Router.router(vertx);
        before.accept(vertx, router);
        api.mount(router);
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                        .setMaxInitialLineLength(FleetApi.MAX_REQUEST_LINE))
                .requestHandler(router);
        server.listen().toCompletionStage().toCompletableFuture().join();
    }

    /** The API on the embedded PostgreSQL. */
    static ApiTestServer start(Clock clock) {
        return start(clock, embedded().jdbcUrl(), (vertx, router) -> { });
    }

    /** The same with the live stream's bounds {@code live}. */
    static ApiTestServer start(Clock clock, LiveSettings live) {
        return start(clock, embedded().jdbcUrl(), live, (vertx, router) -> { });
    }

    /** The API on the TimescaleDB the build started (or TSDB_URL); aborts the test, i.e. skips it, when none. */
    static ApiTestServer startOnTimescale(Clock clock) {
        return start(clock, TestDatabase.timescaleUrl(), (vertx, router) -> { });
    }

    /** The same, with {@code before} given the server's router to put routes of a test's own ahead of the API's. */
    static ApiTestServer start(Clock clock, boolean timescale,
                               java.util.function.BiConsumer<Vertx, io.vertx.ext.web.Router> before) {
        return start(clock, timescale ? TestDatabase.timescaleUrl() : embedded().jdbcUrl(), before);
    }

    private static ApiTestServer start(Clock clock, String url,
                                       java.util.function.BiConsumer<Vertx, io.vertx.ext.web.Router> before) {
        return start(clock, url, LIVE, before);
    }

    private static ApiTestServer start(Clock clock, String url, LiveSettings live,
                                       java.util.function.BiConsumer<Vertx, io.vertx.ext.web.Router> before) {
        String schema = "api_" + ProcessHandle.current().pid() + "_" + SCHEMAS.incrementAndGet();
        try (HikariDataSource admin = StorageDatabase.pool(url, null, null, 1);
             Connection c = admin.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        // public stays on the path: TimescaleDB's functions live there.
        HikariDataSource dataSource = StorageDatabase.pool(url + (url.contains("?") ? "&" : "?") + "currentSchema="
                + schema + ",public", null, null, 8);
        Migrations.migrate(dataSource);
        return new ApiTestServer(dataSource, clock, live, before);
    }

    private static synchronized EmbeddedDatabase embedded() {
        if (database == null) {
            database = EmbeddedDatabase.start(Path.of("target", "embedded-pg-api-" + ProcessHandle.current().pid()));
            Runtime.getRuntime().addShutdownHook(new Thread(database::close));
        }
        return database;
    }

    int port() {
        return server.actualPort();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.actualPort() + path);
    }

    Response get(String token, String path) {
        return send("GET", token, path, null);
    }

    Response send(String method, String token, String path, String json) {
        return send(method, token, path, json, java.util.Map.of());
    }

    /** The same with more headers, e.g. a session's cookie and CSRF token. */
    Response send(String method, String token, String path, String json, java.util.Map<String, String> headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).method(method, json == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        headers.forEach(builder::header);
        if (json != null) {
            builder.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpClient client() {
        return client;
    }

    /** A token for the tenant (created when missing); {@code device} for a driver. */
    String token(String tenant, Role role, Long device) {
        try {
            tenant(tenant);
            return new ApiTokens(dataSource).create(tenant, role, device, role.dbName() + "-test", null).token();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long tenant(String name) {
        return queryLong("INSERT INTO tenants (name) VALUES ('" + name + "')"
                + " ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id");
    }

    void device(String tenant, long imei) {
        execute("INSERT INTO devices (imei, tenant_id) VALUES (" + imei + ", " + tenant(tenant) + ")");
    }

    long queryLong(String sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    String queryString(String sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Every table of the schema as a dump shows it ({@link DatabaseDump}). */
    String dump() {
        return DatabaseDump.of(dataSource);
    }

    void execute(String sql) {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    @Override
    public void close() {
        api.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        dataSource.close();
    }
}
