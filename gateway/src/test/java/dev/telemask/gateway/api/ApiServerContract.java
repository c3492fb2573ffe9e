package dev.telemask.gateway.api;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.TestAbortedException;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A contract of the fleet API over HTTP, run once per database: one server for the class, on the clock
 * {@link #NOW}. When the database is not there (no TimescaleDB), every test is reported skipped with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApiServerContract {
    static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    static final AtomicLong IMEIS = new AtomicLong(356_307_042_440_000L);

    ApiTestServer server;
    private String unavailable;

    abstract ApiTestServer start(Clock clock);

    @BeforeAll
    void startServer() {
        try {
            server = start(Clock.fixed(NOW, ZoneOffset.UTC));
        } catch (TestAbortedException e) {
            unavailable = e.getMessage();
        }
    }

    @BeforeEach
    void requireServer() {
        assumeTrue(unavailable == null, unavailable);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A tenant with an admin token and one device. */
    record Fleet(String name, String admin, long imei) {
    }

    Fleet fleet(String prefix) {
        String name = prefix + "-" + IMEIS.incrementAndGet();
        long imei = IMEIS.incrementAndGet();
        server.device(name, imei);
        return new Fleet(name, server.token(name, Role.ADMIN, null), imei);
    }
}
