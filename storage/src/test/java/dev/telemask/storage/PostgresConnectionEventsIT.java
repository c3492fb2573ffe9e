package dev.telemask.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Online and offline events are not told while the device's switches say its presence is hidden, as the database
 * holds them when the event is written: a session's own view of the switches is refreshed only after a change, and a
 * device that disconnects in between would otherwise be told offline after the driver's switch went on. The SQL is
 * the same on both dialects, so plain PostgreSQL suffices.
 */
class PostgresConnectionEventsIT extends DatabaseContract {
    private static final long IMEI = 356_307_042_441_039L;
    private static final long NOW = 1_800_000_000_000L;

    @Override
    TestServer server() {
        return TestServer.plain();
    }

    @Override
    void prepare() throws Exception {
        Migrations.migrate(dataSource);
        execute("INSERT INTO tenants (name) VALUES ('acme')");
        execute("INSERT INTO devices (imei, tenant_id) SELECT " + IMEI + ", id FROM tenants");
    }

    private long events() throws Exception {
        return queryLong("SELECT count(*) FROM device_events WHERE imei = " + IMEI);
    }

    @Test
    void noPresenceIsToldWhileTheDatabaseSaysTheDeviceIsPrivateRestrictedOrWithoutLocationConsent()
            throws Exception {
        ConnectionEventWriter writer = new ConnectionEventWriter(dataSource);
        long t = NOW;
        execute("UPDATE devices SET private_until = to_timestamp(" + (NOW + 3_600_000L) / 1000 + ") WHERE imei = "
                + IMEI);
        writer.online(IMEI, t += 1000);
        writer.offline(IMEI, t += 1000, t - 1000);
        assertEquals(0, events(), "the driver's switch is on");

        execute("UPDATE devices SET private_until = NULL, restricted = true WHERE imei = " + IMEI);
        writer.online(IMEI, t += 1000);
        writer.offline(IMEI, t += 1000, t - 1000);
        assertEquals(0, events(), "restricted");

        execute("UPDATE devices SET restricted = false WHERE imei = " + IMEI);
        execute("INSERT INTO consent_history (imei, kind, granted, changed_by) VALUES (" + IMEI
                + ", 'location', false, 'driver')");
        writer.online(IMEI, t += 1000);
        writer.offline(IMEI, t += 1000, t - 1000);
        assertEquals(0, events(), "location consent withdrawn");

        execute("INSERT INTO consent_history (imei, kind, granted, changed_by) VALUES (" + IMEI
                + ", 'location', true, 'driver')");
        execute("UPDATE devices SET private_until = to_timestamp(" + (NOW - 60_000L) / 1000 + ") WHERE imei = "
                + IMEI);
        writer.online(IMEI, t += 1000);
        writer.offline(IMEI, t += 1000, t - 1000);
        assertEquals(2, events(), "all switches off (the private switch ran out before): both told");
    }
}
