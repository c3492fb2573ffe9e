package dev.telemask.storage.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

import static dev.telemask.storage.query.PositionQuery.instant;

/**
 * A device's consent history, append-only: the current consent of a kind is its latest row. Callers check the
 * device's tenant first. The gateway hears of each change through the consent trigger (migration V3).
 */
public final class ConsentLog {
    /** The kinds the schema knows. */
    public static final List<String> KINDS = List.of("location", "driver_identity", "telemetry");

    private final DataSource dataSource;

    public ConsentLog(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Appends one row per kind in {@code changes}, in one transaction. */
    public void append(long imei, Map<String, Boolean> changes, String changedBy, String reason) throws SQLException {
        append(imei, changes, changedBy, reason, Transaction.Step.NONE);
    }

    /**
     * As {@link #append(long, Map, String, String)}, with {@code alongside} in its transaction. A withdrawal (any kind
     * set to false) also drops the device's deliveries still waiting in the outbox: they were judged under the consent
     * withdrawn, and sent after the withdrawal returned they would disclose what it no longer allows.
     */
    public void append(long imei, Map<String, Boolean> changes, String changedBy, String reason,
                       Transaction.Step alongside) throws SQLException {
        Transaction.run(dataSource, c -> {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO consent_history"
                    + " (imei, kind, granted, changed_by, reason) VALUES (?, ?, ?, ?, ?)")) {
                for (Map.Entry<String, Boolean> change : changes.entrySet()) {
                    st.setLong(1, imei);
                    st.setString(2, change.getKey());
                    st.setBoolean(3, change.getValue());
                    st.setString(4, changedBy);
                    st.setString(5, reason);
                    st.addBatch();
                }
                st.executeBatch();
            }
            if (changes.containsValue(false)) {
                FleetDeviceStore.dropWaitingDeliveries(c, imei);
            }
            alongside.run(c);
            return null;
        });
    }

    /** The whole history, oldest first. */
    public List<ConsentChange> history(long imei) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT kind, granted, changed_by, changed_at, reason"
                     + " FROM consent_history WHERE imei = ? ORDER BY changed_at, id")) {
            st.setLong(1, imei);
            List<ConsentChange> history = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    history.add(new ConsentChange(rs.getString(1), rs.getBoolean(2), rs.getString(3),
                            instant(rs, 4), rs.getString(5)));
                }
            }
            return history;
        }
    }
}
