package dev.telemask.storage;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Positions stored before rows had a record key (V47): each keeps its row and a key unique within its millisecond,
 * and an outbox row queued before still finds its position, on plain PostgreSQL (embedded).
 */
class PostgresRecordKeyMigrationIT extends DatabaseContract {
    private static final long IMEI = 356_307_042_441_470L;

    @Override
    TestServer server() {
        return TestServer.plain();
    }

    @Override
    void prepare() throws SQLException {
        Flyway.configure().configuration(Migrations.flyway(dataSource).getConfiguration()).target("46").load()
                .migrate();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO tenants (id, name) OVERRIDING SYSTEM VALUE VALUES (1, 'acme')");
            st.execute("INSERT INTO devices (imei, tenant_id) VALUES (" + IMEI + ", 1)");
            // Three records of one millisecond (a periodic one, ignition and movement events), one alone.
            st.execute("INSERT INTO positions (imei, device_time, receive_time, priority, longitude, latitude,"
                    + " event_io, treatment) VALUES"
                    + " (" + IMEI + ", '2026-03-09T10:00:00Z', now(), 0, 1, 1, 0, 0),"
                    + " (" + IMEI + ", '2026-03-09T10:00:00Z', now(), 0, 2, 2, 239, 0),"
                    + " (" + IMEI + ", '2026-03-09T10:00:00Z', now(), 0, 3, 3, 240, 0),"
                    + " (" + IMEI + ", '2026-03-09T10:00:05Z', now(), 0, 4, 4, 155, 0)");
            st.execute("INSERT INTO webhook_deliveries (sink, tenant_id, imei, device_time, event_io) VALUES"
                    + " ('kafka', 1, " + IMEI + ", '2026-03-09T10:00:00Z', 239)");
        }
        Migrations.migrate(dataSource);
    }

    @Test
    void rowsSharingAMillisecondTakeTheirEventIdAsKeyAndTheOthersZero() throws SQLException {
        assertEquals(List.of(0L, 239L, 240L, 0L), longs("SELECT record_key FROM positions WHERE imei = " + IMEI
                + " ORDER BY longitude"));
    }

    @Test
    void anOutboxRowQueuedBeforeFindsItsPositionByItsEventId() throws SQLException {
        List<Integer> found = new ArrayList<>();
        try (KafkaOutbox.Claim claim = new KafkaOutbox(dataSource).claim(10, Duration.ofMinutes(1),
                Duration.ofMinutes(1))) {
            for (KafkaOutbox.Pending pending : claim.rows()) {
                assertNotNull(pending.position(), "the queued position is still stored");
                found.add(pending.position().point().longitudeE7());
            }
        }
        assertEquals(List.of(2), found);
    }
}
