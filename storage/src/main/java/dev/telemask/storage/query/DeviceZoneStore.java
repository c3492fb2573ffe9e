package dev.telemask.storage.query;

import dev.telemask.storage.IngestDeviceLookup;
import dev.telemask.storage.DeviceZone;
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
 * received after the change returned. Centres arrive sealed; this class never sees them in clear.
 */
public final class DeviceZoneStore {
    /** A driver's zones per device: enough for home, work, a doctor and a few more. */
    public static final int MAX_ZONES_PER_DEVICE = 20;

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

    /** Adds a zone; false when the device already has {@link #MAX_ZONES_PER_DEVICE}. */
    public boolean add(long imei, String id, String name, int radiusMetres, String sealedCentre) throws SQLException {
        return Transaction.run(dataSource, c -> {
            // The device's row lock serialises concurrent additions, so the limit holds.
            try (PreparedStatement lock = c.prepareStatement("SELECT 1 FROM devices WHERE imei = ? FOR UPDATE")) {
                lock.setLong(1, imei);
                lock.executeQuery().close();
            }
            try (PreparedStatement count = c.prepareStatement("SELECT count(*) FROM device_zones WHERE imei = ?")) {
                count.setLong(1, imei);
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) >= MAX_ZONES_PER_DEVICE) {
                        return false;
                    }
                }
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO device_zones"
                    + " (id, imei, name, radius_metres, sealed_centre) VALUES (?, ?, ?, ?, ?)")) {
                st.setString(1, id);
                st.setLong(2, imei);
                st.setString(3, name);
                st.setInt(4, radiusMetres);
                st.setString(5, sealedCentre);
                st.executeUpdate();
            }
            return true;
        });
    }

    /** Replaces a zone's name, radius and sealed centre; false when the device has no such zone. */
    public boolean update(long imei, DeviceZone zone) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("UPDATE device_zones SET name = ?, radius_metres = ?,"
                     + " sealed_centre = ?, updated_at = now() WHERE imei = ? AND id = ?")) {
            st.setString(1, zone.name());
            st.setInt(2, zone.radiusMetres());
            st.setString(3, zone.sealedCentre());
            st.setLong(4, imei);
            st.setString(5, zone.id());
            return st.executeUpdate() == 1;
        }
    }

    /** Removes a zone; false when the device has no such zone. */
    public boolean delete(long imei, String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("DELETE FROM device_zones WHERE imei = ? AND id = ?")) {
            st.setLong(1, imei);
            st.setString(2, id);
            return st.executeUpdate() == 1;
        }
    }
}
