package dev.telemask.storage.query;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/** Reads a fleet's stored events, time-bounded, tenant-scoped and paged in (device time, id) order. */
public final class EventQuery {
    /** Where a page resumes: after the event with this device time and id. */
    public record EventKey(Instant deviceTime, long id) {
    }

    /** A page of events and whether more follow in the window. */
    public record Page(List<StoredEvent> events, boolean more) {
    }

    private final DataSource dataSource;

    public EventQuery(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    private static final String SELECT = "SELECT id, imei, device_time, kind, geofence_id, latitude, longitude,"
            + " speed, treatment, received_at FROM device_events";

    /**
     * At most {@code limit} events of the tenant in the window after {@code after} (null: from the start), of one
     * device and one kind when given (null: all).
     */
    public Page page(long tenantId, TimeWindow window, Long imei, String kind, EventKey after, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder(SELECT + " WHERE tenant_id = ? AND device_time >= ? AND device_time < ?");
        if (imei != null) {
            sql.append(" AND imei = ?");
        }
        if (kind != null) {
            sql.append(" AND kind = ?");
        }
        if (after != null) {
            sql.append(" AND (device_time > ? OR (device_time = ? AND id > ?))");
        }
        sql.append(" ORDER BY device_time, id LIMIT ?");
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql.toString())) {
            int i = 1;
            st.setLong(i++, tenantId);
            st.setTimestamp(i++, Timestamp.from(window.from()));
            st.setTimestamp(i++, Timestamp.from(window.to()));
            if (imei != null) {
                st.setLong(i++, imei);
            }
            if (kind != null) {
                st.setString(i++, kind);
            }
            if (after != null) {
                st.setTimestamp(i++, Timestamp.from(after.deviceTime()));
                st.setTimestamp(i++, Timestamp.from(after.deviceTime()));
                st.setLong(i++, after.id());
            }
            st.setInt(i, limit + 1);
            List<StoredEvent> events = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    events.add(event(rs));
                }
            }
            boolean more = events.size() > limit;
            return new Page(more ? events.subList(0, limit) : events, more);
        }
    }

    /**
     * Streams every event of the tenant's device {@code imei}, in (device time, id) order, to {@code sink}, and returns
     * how many: a data subject's export, of any length, never held in memory.
     */
    public long stream(long tenantId, long imei, RowSink<StoredEvent> sink) throws SQLException, IOException {
        return PagedQuery.stream(dataSource, SELECT + " WHERE tenant_id = ? AND imei = ?", "device_time, id",
                "(device_time, id) > (?, ?)", st -> {
                    st.setLong(1, tenantId);
                    st.setLong(2, imei);
                    return 3;
                }, (st, at, last) -> {
                    st.setTimestamp(at, Timestamp.from(last.deviceTime()));
                    st.setLong(at + 1, last.id());
                }, EventQuery::event, 0, sink);
    }

    private static StoredEvent event(ResultSet rs) throws SQLException {
        return new StoredEvent(rs.getLong(1), rs.getLong(2), rs.getTimestamp(3).toInstant(), rs.getString(4),
                rs.getLong(5), (Integer) rs.getObject(6), (Integer) rs.getObject(7), (Integer) rs.getObject(8),
                rs.getInt(9), rs.getTimestamp(10).toInstant());
    }
}
