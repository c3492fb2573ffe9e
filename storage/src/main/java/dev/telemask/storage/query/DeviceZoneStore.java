package dev.telemask.storage.query;

import dev.telemask.storage.IngestDeviceLookup;
import dev.telemask.storage.DeviceZone;
import dev.telemask.storage.ZoneOwner;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A device's own privacy zones, set by its driver. Every change bumps the device's switch version and tells the
 * running gateways in its own transaction (the {@code device_zones} trigger), so a zone holds for every record
 * received after the change returned. Centres arrive sealed; this class never sees them in clear. A zone is changed
 * or removed only by the credential that placed it, checked in the same statement that changes it.
 */
public final class DeviceZoneStore {
    /**
     * The zones one driver credential places on a device: enough for home, work, a doctor and a few more. Other
     * credentials' zones (orphaned ones included) do not count, so nobody can fill a device's zones to keep its
     * driver from placing one.
     */
    public static final int MAX_ZONES_PER_OWNER = 20;

    /** The condition that a zone's owner is the one bound next: never true of a zone without an owner. */
    private static final String OWNED_BY = " AND owner_kind = ? AND owner_id = ?"
            + " AND owner_epoch IS NOT DISTINCT FROM ?";

    private final DataSource dataSource;

    public DeviceZoneStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    public List<DeviceZone> list(long imei) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return IngestDeviceLookup.zones(c, imei);
        }
    }

    public Optional<DeviceZone> find(long imei, String id) throws SQLException {
        return list(imei).stream().filter(zone -> zone.id().equals(id)).findFirst();
    }

    /**
     * Adds a zone that {@code owner} alone may change, its disc drawn for {@code radiusMetres} for good (see
     * {@link DeviceZone#drawnForMetres}); false when {@code owner} already has {@link #MAX_ZONES_PER_OWNER} on the
     * device.
     */
    public boolean add(long imei, String id, String name, int radiusMetres, String sealedCentre, ZoneOwner owner)
            throws SQLException {
        return Transaction.run(dataSource, c -> {
            // The device's row lock serialises concurrent additions, so the limit holds.
            try (PreparedStatement lock = c.prepareStatement("SELECT 1 FROM devices WHERE imei = ? FOR UPDATE")) {
                lock.setLong(1, imei);
                lock.executeQuery().close();
            }
            try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM device_zones WHERE imei = ?"
                    + OWNED_BY)) {
                count.setLong(1, imei);
                setOwner(count, 2, owner);
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= MAX_ZONES_PER_OWNER) {
                        return false;
                    }
                }
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO device_zones (id, imei, name, radius_metres,"
                    + " drawn_for_metres, sealed_centre, owner_kind, owner_id, owner_epoch)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                st.setString(1, id);
                st.setLong(2, imei);
                st.setString(3, name);
                st.setInt(4, radiusMetres);
                st.setInt(5, radiusMetres);
                st.setString(6, sealedCentre);
                setOwner(st, 7, owner);
                st.executeUpdate();
            }
            return true;
        });
    }

    /**
     * Replaces a zone's name, radius and sealed centre (not the radius its disc is drawn for), when {@code owner}
     * placed it; false when the device has no such zone of that owner (a zone without an owner is nobody's).
     */
    public boolean update(long imei, DeviceZone zone, ZoneOwner owner) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("UPDATE device_zones SET name = ?, radius_metres = ?,"
                     + " sealed_centre = ?, updated_at = now() WHERE imei = ? AND id = ?" + OWNED_BY)) {
            st.setString(1, zone.name());
            st.setInt(2, zone.radiusMetres());
            st.setString(3, zone.sealedCentre());
            st.setLong(4, imei);
            st.setString(5, zone.id());
            setOwner(st, 6, owner);
            return st.executeUpdate() == 1;
        }
    }

    /** Removes a zone, when {@code owner} placed it; false when the device has no such zone of that owner. */
    public boolean delete(long imei, String id, ZoneOwner owner) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("DELETE FROM device_zones WHERE imei = ? AND id = ?"
                     + OWNED_BY)) {
            st.setLong(1, imei);
            st.setString(2, id);
            setOwner(st, 3, owner);
            return st.executeUpdate() == 1;
        }
    }

    private static void setOwner(PreparedStatement st, int first, ZoneOwner owner) throws SQLException {
        Objects.requireNonNull(owner, "owner");
        st.setString(first, owner.kind().dbName());
        st.setLong(first + 1, owner.id());
        st.setObject(first + 2, owner.epoch(), java.sql.Types.BIGINT);
    }
}
