package dev.telemask.storage;

import dev.telemask.privacy.ErasedRanges;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/** Looks devices up by IMEI for the ingest path, and registers unknown ones in quarantine when asked to. */
public final class IngestDeviceLookup {
    /** The tenant that auto-registered devices join, restricted, until an admin moves them. */
    public static final String QUARANTINE_TENANT = "quarantine";

    private static final String FIND = """
            SELECT d.imei, d.tenant_id, d.restricted, d.policy_id, pv.version, pv.document::text, d.privacy_state,
                   (SELECT granted FROM consent_history c WHERE c.imei = d.imei AND c.kind = 'location'
                     ORDER BY c.changed_at DESC, c.id DESC LIMIT 1),
                   (SELECT granted FROM consent_history c WHERE c.imei = d.imei AND c.kind = 'driver_identity'
                     ORDER BY c.changed_at DESC, c.id DESC LIMIT 1),
                   (SELECT granted FROM consent_history c WHERE c.imei = d.imei AND c.kind = 'telemetry'
                     ORDER BY c.changed_at DESC, c.id DESC LIMIT 1),
                   d.private_until, d.switch_version, d.rules_changed_at, d.restricted_from, d.restricted_until
              FROM devices d
              LEFT JOIN LATERAL (SELECT version, document FROM policy_versions v
                                  WHERE v.policy_id = d.policy_id ORDER BY version DESC LIMIT 1) pv ON true
             WHERE d.imei = ?
            """;

    private final DataSource dataSource;

    public IngestDeviceLookup(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The device's profile for a new connection, or empty when no such device is registered. It first bumps the
     * device's switch version, so that whatever an older session of the device (on any instance) still has in flight
     * or decides after its device went is not stored: the newest connection's view of the device is the one written.
     *
     * <p>The profile carries the version this bump made, not the one its read finds: another connection of the device
     * claiming it in between (the device connecting twice at once, to two instances) must leave this claim stale, or
     * both would store, each deciding from a state that does not know the other's records. What the read finds is at
     * least what was stored under the claimed version (only this connection writes under it), so a view newer than
     * the version only costs a refused write and a claim again.
     */
    public Optional<IngestProfile> claim(long imei) throws SQLException {
        long claimed;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement st = connection.prepareStatement(
                     "UPDATE devices SET switch_version = switch_version + 1 WHERE imei = ? RETURNING switch_version")) {
            st.setLong(1, imei);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                claimed = rs.getLong(1);
            }
        }
        return find(imei).map(profile -> profile.withSwitchVersion(claimed));
    }

    /** The device's profile, or empty when no such device is registered. */
    public Optional<IngestProfile> find(long imei) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement st = connection.prepareStatement(FIND)) {
            st.setLong(1, imei);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long policyId = rs.getLong(4);
                Long policy = rs.wasNull() ? null : policyId;
                IngestProfile found = new IngestProfile(rs.getLong(1), rs.getLong(2), rs.getBoolean(3), policy,
                        rs.getInt(5), rs.getString(6), nullableBoolean(rs, 8), nullableBoolean(rs, 9),
                        nullableBoolean(rs, 10), rs.getBytes(7), epochMillis(rs.getTimestamp(11)), rs.getLong(12));
                // Read after the switch version: a range erased since is in it, or the version is stale too.
                return Optional.of(found.withOwnZones(zones(connection, imei), epochMillis(rs.getTimestamp(13)))
                        .withErasedRanges(erasedRanges(connection, imei))
                        .withLastRestriction(lastRestriction(rs.getBoolean(3), rs.getTimestamp(14),
                                rs.getTimestamp(15))));
            }
        }
    }

    /**
     * The device's latest restriction from its stored span: one without a beginning was restricted when registered
     * (the quarantine) or before its beginnings were kept, so since ever; none at all when neither end is stored and
     * the device is not restricted.
     */
    static IngestProfile.Restriction lastRestriction(boolean restricted, java.sql.Timestamp from,
                                                     java.sql.Timestamp until) {
        if (!restricted && from == null && until == null) {
            return IngestProfile.Restriction.NEVER;
        }
        return new IngestProfile.Restriction(from == null ? Long.MIN_VALUE : from.getTime(),
                restricted || until == null ? Long.MAX_VALUE : until.getTime());
    }

    /**
     * Registers an unknown device in the quarantine tenant, restricted so that nothing of it is stored until an
     * admin assigns it, and returns its profile. A device registered meanwhile by someone else is left as it is.
     */
    public IngestProfile registerInQuarantine(long imei) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement tenant = connection.prepareStatement(
                    "INSERT INTO tenants (name) VALUES (?) ON CONFLICT (name) DO NOTHING")) {
                tenant.setString(1, QUARANTINE_TENANT);
                tenant.executeUpdate();
            }
            try (PreparedStatement device = connection.prepareStatement("""
                    INSERT INTO devices (imei, tenant_id, restricted, label)
                    SELECT ?, id, true, 'auto-registered' FROM tenants WHERE name = ?
                    ON CONFLICT (imei) DO NOTHING""")) {
                device.setLong(1, imei);
                device.setString(2, QUARANTINE_TENANT);
                device.executeUpdate();
            }
        }
        return find(imei).orElseThrow(() -> new SQLException("device " + imei + " vanished after registration"));
    }

    /** The driver's own zones of device {@code imei}, oldest first, centres sealed. */
    public static java.util.List<DeviceZone> zones(Connection connection, long imei) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT id, name, radius_metres, drawn_for_metres,"
                + " sealed_centre, created_at, updated_at, owner_kind, owner_id, owner_epoch FROM device_zones"
                + " WHERE imei = ?"
                + " ORDER BY created_at, id")) {
            st.setLong(1, imei);
            java.util.List<DeviceZone> zones = new java.util.ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    zones.add(new DeviceZone(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4),
                            rs.getString(5), rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant(),
                            owner(rs, 8)));
                }
            }
            return zones;
        }
    }

    /** The device-time ranges erased from device {@code imei}, each up to its erasure. */
    static ErasedRanges erasedRanges(Connection connection, long imei) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT from_time, to_time FROM erased_ranges WHERE imei = ?")) {
            st.setLong(1, imei);
            java.util.List<Long> bounds = new java.util.ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    bounds.add(rs.getTimestamp(1).getTime());
                    bounds.add(rs.getTimestamp(2).getTime());
                }
            }
            return ErasedRanges.of(bounds.stream().mapToLong(Long::longValue).toArray());
        }
    }

    /** The zone owner in columns {@code first} (kind), +1 (id) and +2 (epoch), or null when it has none. */
    private static ZoneOwner owner(ResultSet rs, int first) throws SQLException {
        ZoneOwner.Kind kind = ZoneOwner.Kind.parse(rs.getString(first));
        if (kind == null) {
            return null;
        }
        long id = rs.getLong(first + 1);
        long epoch = rs.getLong(first + 2);
        return new ZoneOwner(kind, id, rs.wasNull() ? null : epoch);
    }

    private static long epochMillis(java.sql.Timestamp timestamp) {
        return timestamp == null ? 0 : timestamp.getTime();
    }

    private static Boolean nullableBoolean(ResultSet rs, int column) throws SQLException {
        boolean value = rs.getBoolean(column);
        return rs.wasNull() ? null : value;
    }

    /** The fleet's business geofences, for the event detector. */
    public java.util.List<dev.telemask.privacy.Geofence> geofences(long tenantId) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return dev.telemask.storage.query.GeofenceStore.list(connection, tenantId);
        }
    }

    /** The event detector's saved state of the device, or null when none was saved. */
    public byte[] eventState(long imei) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement st = connection.prepareStatement(
                     "SELECT state FROM device_event_state WHERE imei = ?")) {
            st.setLong(1, imei);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getBytes(1) : null;
            }
        }
    }
}
