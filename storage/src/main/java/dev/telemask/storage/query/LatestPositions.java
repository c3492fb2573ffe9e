package dev.telemask.storage.query;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Each device's newest stored row (by device time) with what the fleet's live map shows beside it: its tenant,
 * label and when it was last heard of. The rows are {@code positions} as stored, so masked exactly as every
 * other read: a private record has no point, a coarsened one its cell's. One index probe per device
 * ({@code (imei, device_time DESC)}), so a fleet of thousands reads in one round trip.
 */
public final class LatestPositions {
    /** The most devices one call reads; a larger fleet is read in pages of this many. */
    public static final int MAX_DEVICES = 10_000;

    private static final String SELECT = "SELECT d.imei, p.device_time, p.receive_time, p.priority, p.latitude,"
            + " p.longitude, p.altitude, p.angle, p.satellites, p.speed, p.event_io, p.io, p.treatment, p.record_key,"
            + " d.tenant_id, d.label, d.last_seen_at"
            + " FROM devices d LEFT JOIN LATERAL (SELECT * FROM positions WHERE imei = d.imei"
            + " ORDER BY device_time DESC, record_key ASC LIMIT 1) p ON true";

    /**
     * A device and its newest stored row.
     *
     * @param position null when nothing of the device is stored (or all of it is still undecided, sealed)
     * @param lastSeen when the gateway last stored records of the device, null when never
     */
    public record Latest(long imei, long tenantId, String label, Instant lastSeen, StoredPosition position) {
    }

    private final DataSource dataSource;

    public LatestPositions(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Every device of the tenant after IMEI {@code after} (0: from the first), at most {@link #MAX_DEVICES}. */
    public List<Latest> ofTenant(long tenantId, long after) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement st = connection.prepareStatement(SELECT
                     + " WHERE d.tenant_id = ? AND d.imei > ? ORDER BY d.imei LIMIT " + MAX_DEVICES)) {
            st.setLong(1, tenantId);
            st.setLong(2, after);
            return read(st);
        }
    }

    /** The named devices that exist, of any tenant: the caller filters by tenant. */
    public List<Latest> of(Collection<Long> imeis) throws SQLException {
        if (imeis.isEmpty()) {
            return List.of();
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement st = connection.prepareStatement(SELECT + " WHERE d.imei = ANY (?)")) {
            Array array = connection.createArrayOf("bigint", imeis.toArray());
            st.setArray(1, array);
            return read(st);
        }
    }

    private static List<Latest> read(PreparedStatement st) throws SQLException {
        List<Latest> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                StoredPosition position = rs.getObject(2) == null ? null : PositionQuery.row(rs);
                out.add(new Latest(rs.getLong(1), rs.getLong(15), rs.getString(16), PositionQuery.instant(rs, 17),
                        position));
            }
        }
        return out;
    }
}
