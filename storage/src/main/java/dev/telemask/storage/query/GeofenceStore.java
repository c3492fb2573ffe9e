package dev.telemask.storage.query;

import dev.telemask.privacy.Geofence;
import dev.telemask.privacy.GeofenceJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A fleet's business geofences. Every change tells the running gateways in its own transaction (the
 * {@code geofences} trigger), so that the fleet's connected devices judge their next records against the new set.
 */
public final class GeofenceStore {
    /** Geofences per fleet: each record of each device is tested against all of them. */
    public static final int MAX_GEOFENCES_PER_FLEET = 1_000;

    private final DataSource dataSource;

    public GeofenceStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** The fleet's geofences, oldest first. */
    public List<Geofence> list(long tenantId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return list(c, tenantId);
        }
    }

    /** The fleet's geofences on the caller's connection. */
    public static List<Geofence> list(Connection c, long tenantId) throws SQLException {
        List<Geofence> fences = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement(
                "SELECT id, document::text FROM geofences WHERE tenant_id = ? ORDER BY id")) {
            st.setLong(1, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    fences.add(GeofenceJson.parse(rs.getString(2)).withId(rs.getLong(1)));
                }
            }
        }
        return fences;
    }

    /** Adds a validated geofence and returns it with its id, or null when the fleet has the most it may have. */
    public Geofence add(long tenantId, Geofence fence, String createdBy) throws SQLException {
        return Transaction.run(dataSource, c -> {
            // The tenant's row lock serialises concurrent additions, so the limit holds.
            try (PreparedStatement lock = c.prepareStatement("SELECT 1 FROM tenants WHERE id = ? FOR UPDATE")) {
                lock.setLong(1, tenantId);
                lock.executeQuery().close();
            }
            try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM geofences WHERE tenant_id = ?")) {
                count.setLong(1, tenantId);
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= MAX_GEOFENCES_PER_FLEET) {
                        return null;
                    }
                }
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO geofences (tenant_id, name, document,"
                    + " created_by) VALUES (?, ?, ?::jsonb, ?) RETURNING id")) {
                st.setLong(1, tenantId);
                st.setString(2, fence.name());
                st.setString(3, GeofenceJson.toJson(fence.withId(0)).without("id").toString());
                st.setString(4, createdBy);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return fence.withId(rs.getLong(1));
                }
            }
        });
    }

    /** Removes a geofence; false when the fleet has no such geofence. Its past events stay. */
    public boolean delete(long tenantId, long id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("DELETE FROM geofences WHERE tenant_id = ? AND id = ?")) {
            st.setLong(1, tenantId);
            st.setLong(2, id);
            return st.executeUpdate() == 1;
        }
    }
}
