package dev.telemask.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.telemask.gateway.resilience.Eventually;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An erasure of more rows than one statement may delete within the API's statement timeout still completes, as one
 * transaction. The timeout is made deterministic here: a trigger cancels, as {@code statement_timeout} would, any
 * statement that deletes more than {@value #STATEMENT_ROWS} rows of a table (a year of a device reporting every
 * second is 30 million rows, which no single DELETE finishes in 60 s).
 */
class PostgresLargeErasureIT {
    /** The most rows one statement deletes before the emulated timeout cuts it. */
    private static final int STATEMENT_ROWS = 10_000;
    /** Three and a half statements' worth of rows, in every table an erasure deletes by device time. */
    private static final int ROWS = STATEMENT_ROWS * 7 / 2;
    private static final String FROM = "2025-06-01T00:00:00Z";

    private ApiTestServer server;

    @BeforeEach
    void start() {
        server = ApiTestServer.start(Clock.systemUTC());
        server.execute("CREATE FUNCTION cut_large_deletes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF (SELECT count(*) FROM gone) > " + STATEMENT_ROWS + " THEN"
                + " RAISE EXCEPTION 'canceling statement due to statement timeout' USING ERRCODE = 'query_canceled';"
                + " END IF; RETURN NULL; END $$");
        for (String table : new String[] {"positions", "sealed_positions", "device_events", "webhook_deliveries"}) {
            server.execute("CREATE TRIGGER cut_large_deletes AFTER DELETE ON " + table
                    + " REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION cut_large_deletes()");
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void anErasureLargerThanOneStatementMayDeleteCompletesAsOneTransaction() {
        long imei = 356_307_042_442_001L;
        server.device("large-erasure", imei);
        long tenant = server.tenant("large-erasure");
        String admin = server.token("large-erasure", Role.ADMIN, null);
        String series = " FROM generate_series(0, " + (ROWS - 1) + ") i, LATERAL (SELECT TIMESTAMPTZ '" + FROM
                + "' + i * INTERVAL '1 second' AS t) x";
        server.execute("INSERT INTO positions (imei, device_time, receive_time, priority, longitude, latitude,"
                + " altitude, angle, satellites, speed, event_io, io, treatment) SELECT " + imei + ", t, t, 0,"
                + " 134000000 + i, 525000000 + i, 100, 90, 9, 50, 0, '\\x00ef0101'::bytea, 0" + series);
        server.execute("INSERT INTO sealed_positions (imei, device_time, event_io, received_at, expires_at, key_id,"
                + " sealed) SELECT " + imei + ", t, 1, t, t + interval '1 day', 'k1', '\\xc0ffee'" + series);
        server.execute("INSERT INTO device_events (tenant_id, imei, device_time, event_io, kind, latitude, longitude,"
                + " treatment, received_at) SELECT " + tenant + ", " + imei + ", t, 0, 'overspeed', 525000000 + i,"
                + " 134000000 + i, 0, t" + series);
        long hook = server.queryLong("INSERT INTO webhooks (tenant_id, url, kinds, secret, created_by) VALUES ("
                + tenant + ", 'https://hooks.example.org/x', '{overspeed}', 'sealed', 'test') RETURNING id");
        server.execute("INSERT INTO webhook_deliveries (webhook_id, tenant_id, imei, device_time, payload) SELECT "
                + hook + ", " + tenant + ", " + imei + ", t, '{\"latitude\": 52.5}'" + series);
        // One row past the range stays.
        server.execute("INSERT INTO positions (imei, device_time, receive_time, priority, longitude, latitude,"
                + " altitude, angle, satellites, speed, event_io, io, treatment) VALUES (" + imei
                + ", '2025-07-01T00:00:00Z', now(), 0, 1, 1, 0, 0, 0, 0, 0, '\\x00'::bytea, 0)");

        ApiTestServer.Response erased = server.send("POST", admin, "/api/v1/devices/" + imei
                + "/erase?from=" + FROM + "&to=2025-06-30T00:00:00Z", null);

        assertEquals(200, erased.status(), erased.body());
        assertEquals(ROWS, erased.json().get("erased").asLong(), "the positions, not the sealed records");
        for (String table : new String[] {"sealed_positions", "device_events", "webhook_deliveries"}) {
            assertEquals(0, server.queryLong("SELECT count(*) FROM " + table + " WHERE imei = " + imei), table);
        }
        assertEquals(1, server.queryLong("SELECT count(*) FROM positions WHERE imei = " + imei));
        assertEquals(ROWS, server.queryLong("SELECT (details->>'rows')::bigint FROM audit_log"
                + " WHERE action = 'erase' AND target = 'device:" + imei + "'"));
        assertEquals(1, server.queryLong("SELECT count(*) FROM erased_ranges WHERE imei = " + imei));
        assertEquals(4.0 * ROWS, server.registry.get("telemask.erasure.rows").counters().stream()
                        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum(), 0.0,
                "ops see the rows each erasure deleted, as it deletes them");
    }

    /**
     * The erasure's answer and audit row count the positions it deleted, not the records waiting sealed: erasing the
     * newest minutes of a vehicle parked at home would otherwise count the records of a trip's grace window, and so
     * tell when the trip began there (the records a zone then hides came one by one from that moment).
     */
    @Test
    void anErasureDoesNotCountTheRecordsWaitingSealed() {
        long imei = 356_307_042_442_002L;
        server.device("sealed-count", imei);
        String admin = server.token("sealed-count", Role.ADMIN, null);
        String series = " FROM generate_series(0, 4) i, LATERAL (SELECT TIMESTAMPTZ '" + FROM
                + "' + i * INTERVAL '10 seconds' AS t) x";
        server.execute("INSERT INTO positions (imei, device_time, receive_time, priority, longitude, latitude,"
                + " altitude, angle, satellites, speed, event_io, io, treatment) SELECT " + imei + ", t, t, 0,"
                + " 134000000 + i, 525000000 + i, 100, 90, 9, 50, 0, '\\x00ef0101'::bytea, 0" + series
                + " WHERE i < 2");
        server.execute("INSERT INTO sealed_positions (imei, device_time, event_io, received_at, expires_at, key_id,"
                + " sealed) SELECT " + imei + ", t + interval '1 minute', 1, t, t + interval '1 day', 'k1',"
                + " '\\xc0ffee'" + series);

        ApiTestServer.Response erased = server.send("POST", admin, "/api/v1/devices/" + imei
                + "/erase?from=" + FROM + "&to=2025-06-02T00:00:00Z", null);

        assertEquals(200, erased.status(), erased.body());
        assertEquals(2, erased.json().get("erased").asLong(), "the sealed records were counted");
        assertEquals(2, server.queryLong("SELECT (details->>'rows')::bigint FROM audit_log"
                + " WHERE action = 'erase' AND target = 'device:" + imei + "'"), "the audit row counted them");
        assertEquals(0, server.queryLong("SELECT count(*) FROM sealed_positions WHERE imei = " + imei),
                "the sealed records are erased all the same");
    }

    /**
     * An erasure holds an API connection until it commits, minutes for a year of records: erasures under way are held
     * to the heavy-read limits (here two per token), or a few of them would take every connection of the API's pool,
     * which the webhook and Kafka forwarding draw on too. The erasures are held off by a lock on their device rows.
     */
    @Test
    void erasuresUnderWayAreHeldToTheHeavyReadLimits() throws Exception {
        String admin = server.token("held-erasures", Role.ADMIN, null);
        long[] imeis = {356_307_042_442_011L, 356_307_042_442_012L, 356_307_042_442_013L};
        for (long imei : imeis) {
            server.device("held-erasures", imei);
        }
        try (Connection holder = server.dataSource.getConnection(); Statement st = holder.createStatement()) {
            holder.setAutoCommit(false);
            st.execute("SELECT 1 FROM devices WHERE imei IN (" + imeis[0] + ", " + imeis[1] + ", " + imeis[2]
                    + ") FOR UPDATE");
            CompletableFuture<HttpResponse<String>> first = erase(admin, imeis[0]);
            CompletableFuture<HttpResponse<String>> second = erase(admin, imeis[1]);
            Eventually.holds(() -> erasuresWaiting() == 2, Duration.ofSeconds(30),
                    () -> erasuresWaiting() + " erasures wait for their device rows, not 2");
            // Had it taken a connection of the API's pool, it would wait for its device row too and not answer.
            HttpResponse<String> third = erase(admin, imeis[2]).get(30, TimeUnit.SECONDS);
            assertEquals(429, third.statusCode(), third.body());
            assertEquals(2, erasuresWaiting(), "a third erasure of one token took a connection of the API's pool");
            holder.rollback();
            assertEquals(200, first.get(60, TimeUnit.SECONDS).statusCode());
            assertEquals(200, second.get(60, TimeUnit.SECONDS).statusCode());
        }
    }

    private CompletableFuture<HttpResponse<String>> erase(String token, long imei) {
        return server.client().sendAsync(HttpRequest.newBuilder(server.uri("/api/v1/devices/" + imei
                                + "/erase?from=2025-01-01T00:00:00Z&to=2025-02-01T00:00:00Z"))
                        .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Erasures waiting for their device rows' lock. */
    private long erasuresWaiting() {
        return server.queryLong("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND query LIKE 'UPDATE devices SET switch_version%'");
    }
}
