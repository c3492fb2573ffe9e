package dev.telemask.storage.query;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

import static dev.telemask.storage.query.PositionQuery.instant;
import static dev.telemask.storage.query.PositionQuery.timestamp;

/** The tenant's audit trail: appended on every read of location data and every data-subject action. */
public final class AuditLog {
    private final DataSource dataSource;

    public AuditLog(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Appends a row; {@code details} is a JSON object or null. */
    public void record(long tenantId, String actor, String action, String target, String details)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            record(c, tenantId, actor, action, target, details);
        }
    }

    /** Appends a row on {@code c}, inside its transaction: the row commits exactly when the action does. */
    public static void record(Connection c, long tenantId, String actor, String action, String target,
                              String details) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO audit_log (tenant_id, actor, action, target,"
                + " details) VALUES (?, ?, ?, ?, ?::jsonb)")) {
            st.setLong(1, tenantId);
            st.setString(2, actor);
            st.setString(3, action);
            st.setString(4, target);
            st.setString(5, details);
            st.executeUpdate();
        }
    }

    /**
     * Streams the tenant's rows in the window, newest first, with ids below {@code beforeId} (null: no bound), at
     * most {@code limit} (or all when {@code limit} is 0), optionally only those about {@code target}.
     */
    public long stream(long tenantId, TimeWindow window, String target, Long beforeId, int limit,
                       RowSink<AuditEntry> sink) throws SQLException, IOException {
        String select = "SELECT id, actor, action, target, details::text, at FROM audit_log"
                + " WHERE tenant_id = ? AND at >= ? AND at < ?"
                + (target == null ? "" : " AND target = ?")
                + (beforeId == null ? "" : " AND id < ?");
        return PagedQuery.stream(dataSource, select, "id DESC", "id < ?", st -> {
            st.setLong(1, tenantId);
            st.setObject(2, timestamp(window.from()));
            st.setObject(3, timestamp(window.to()));
            int i = 4;
            if (target != null) {
                st.setString(i++, target);
            }
            if (beforeId != null) {
                st.setLong(i++, beforeId);
            }
            return i;
        }, (st, at, last) -> st.setLong(at, last.id()), rs -> new AuditEntry(rs.getLong(1), rs.getString(2),
                rs.getString(3), rs.getString(4), rs.getString(5), instant(rs, 6)), limit, sink);
    }
}
