package dev.telemask.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Online and offline events are not told while the device's switches say its presence is hidden, as the database
 * holds them when the event is written: a session's own view of the switches is refreshed only after a change, and a
 * device that disconnects in between would otherwise be told offline after the driver's switch went on. The SQL is
 * the same on both dialects, so plain PostgreSQL suffices.
 */
class PostgresConnectionEventsIT extends DatabaseContract {
    private static final long IMEI = 356_307_042_441_039L;
    /** The device of the ordering test, apart from the other test's. */
    private static final long OTHER_IMEI = 356_307_042_441_047L;
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
        execute("INSERT INTO devices (imei, tenant_id) SELECT " + OTHER_IMEI + ", id FROM tenants");
    }

    private long events() throws Exception {
        return queryLong("SELECT count(*) FROM device_events WHERE imei = " + IMEI);
    }

    /** One connection, online at {@code at - 1000}, offline at {@code at}, written one event a transaction. */
    private void connectedAndGone(long at) throws Exception {
        ConnectionEventWriter writer = new ConnectionEventWriter(dataSource);
        writer.write(List.of(ConnectionEvent.online(IMEI, at - 1000)));
        writer.write(List.of(ConnectionEvent.offline(IMEI, at, at - 1000)));
    }

    private List<String> told(long imei) throws Exception {
        List<String> told = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT kind, extract(epoch FROM device_time)::bigint FROM device_events"
                     + " WHERE imei = " + imei + " ORDER BY device_time")) {
            while (rs.next()) {
                told.add(rs.getString(1) + "@" + (rs.getLong(2) * 1000 - NOW));
            }
        }
        return told;
    }

    @Test
    void eventsWrittenInOneTransactionAreJudgedInTheirOrder() throws Exception {
        // A reconnection: the first connection's offline event comes after the second's online event and is not told.
        new ConnectionEventWriter(dataSource).write(List.of(
                ConnectionEvent.online(OTHER_IMEI, NOW + 1000),
                ConnectionEvent.offline(OTHER_IMEI, NOW + 2000, NOW + 1000),
                ConnectionEvent.online(OTHER_IMEI, NOW + 3000),
                ConnectionEvent.online(OTHER_IMEI, NOW + 4000),
                ConnectionEvent.offline(OTHER_IMEI, NOW + 5000, NOW + 3000),
                ConnectionEvent.offline(OTHER_IMEI, NOW + 6000, NOW + 4000)));
        assertEquals(List.of("device_online@1000", "device_offline@2000", "device_online@3000",
                "device_online@4000", "device_offline@6000"), told(OTHER_IMEI));
    }

    @Test
    void noPresenceIsToldWhileTheDatabaseSaysTheDeviceIsPrivateRestrictedOrWithoutLocationConsent()
            throws Exception {
        long t = NOW;
        execute("UPDATE devices SET private_until = to_timestamp(" + (NOW + 3_600_000L) / 1000 + ") WHERE imei = "
                + IMEI);
        connectedAndGone(t += 2000);
        assertEquals(0, events(), "the driver's switch is on");

        execute("UPDATE devices SET private_until = NULL, restricted = true WHERE imei = " + IMEI);
        connectedAndGone(t += 2000);
        assertEquals(0, events(), "restricted");

        execute("UPDATE devices SET restricted = false WHERE imei = " + IMEI);
        execute("INSERT INTO consent_history (imei, kind, granted, changed_by) VALUES (" + IMEI
                + ", 'location', false, 'driver')");
        connectedAndGone(t += 2000);
        assertEquals(0, events(), "location consent withdrawn");

        execute("INSERT INTO consent_history (imei, kind, granted, changed_by) VALUES (" + IMEI
                + ", 'location', true, 'driver')");
        execute("UPDATE devices SET private_until = to_timestamp(" + (NOW - 60_000L) / 1000 + ") WHERE imei = "
                + IMEI);
        connectedAndGone(t += 2000);
        assertEquals(2, events(), "all switches off (the private switch ran out before): both told");
    }
}
