package dev.telemask.storage.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

import static dev.telemask.storage.query.PositionQuery.instant;
import static dev.telemask.storage.query.PositionQuery.timestamp;

/**
 * A tenant's devices: register, label, assign a policy, restrict, switch private mode, delete. Every statement is
 * scoped by tenant. The gateway hears of each change through the devices trigger (migration V3).
 */
public final class FleetDeviceStore {
    /** What a change did. */
    public enum Outcome { DONE, NOT_FOUND, POLICY_NOT_FOUND, TAKEN }

    private static final String SELECT = "SELECT imei, tenant_id, label, policy_id, restricted, private_until,"
            + " created_at, last_seen_at FROM devices";
    // The policy must be the tenant's own: a policy of another tenant is treated as missing.
    private static final String OWN_POLICY = "SELECT 1 FROM policies WHERE id = ? AND tenant_id = ?";

    private final DataSource dataSource;

    public FleetDeviceStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** A page of a tenant's devices, and whether more follow. */
    public record Page(List<FleetDevice> devices, boolean more) {
    }

    public List<FleetDevice> list(long tenantId) throws SQLException {
        return page(tenantId, 0, Integer.MAX_VALUE - 1).devices();
    }

    /** At most {@code limit} of the tenant's devices with an IMEI above {@code afterImei}, in IMEI order. */
    public Page page(long tenantId, long afterImei, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(SELECT + " WHERE tenant_id = ? AND imei > ? ORDER BY imei"
                     + " LIMIT ?")) {
            st.setLong(1, tenantId);
            st.setLong(2, afterImei);
            st.setInt(3, limit + 1);
            List<FleetDevice> devices = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    devices.add(device(rs));
                }
            }
            boolean more = devices.size() > limit;
            return new Page(more ? devices.subList(0, limit) : devices, more);
        }
    }

    /** The tenant's device, or empty when it does not exist or belongs to another tenant. */
    public Optional<FleetDevice> find(long tenantId, long imei) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(SELECT + " WHERE imei = ? AND tenant_id = ?")) {
            st.setLong(1, imei);
            st.setLong(2, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(device(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Registers a device for the tenant. A device the gateway parked in {@code quarantine} (it connected before
     * anyone registered it) is claimed: moved to the tenant and no longer restricted. {@link Outcome#TAKEN} when
     * another tenant has it.
     */
    public Outcome register(long tenantId, long imei, String label, Long policyId, String quarantineTenant)
            throws SQLException {
        return register(tenantId, imei, label, policyId, quarantineTenant, Transaction.Step.NONE);
    }

    /** As {@link #register(long, long, String, Long, String)}, with {@code alongside} in its transaction when done. */
    public Outcome register(long tenantId, long imei, String label, Long policyId, String quarantineTenant,
                            Transaction.Step alongside) throws SQLException {
        return Transaction.run(dataSource, c -> {
            Outcome outcome = policyId != null && !exists(c, OWN_POLICY, policyId, tenantId)
                    ? Outcome.POLICY_NOT_FOUND
                    : insertOrClaim(c, tenantId, imei, label, policyId, quarantineTenant);
            if (outcome == Outcome.DONE) {
                alongside.run(c);
            }
            return outcome;
        });
    }

    private static Outcome insertOrClaim(Connection c, long tenantId, long imei, String label, Long policyId,
                                         String quarantineTenant) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO devices (imei, tenant_id, label, policy_id) VALUES (?, ?, ?, ?)
                ON CONFLICT (imei) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, label = EXCLUDED.label,
                       policy_id = EXCLUDED.policy_id, restricted = false
                 WHERE devices.tenant_id = (SELECT id FROM tenants WHERE name = ?)""")) {
            st.setLong(1, imei);
            st.setLong(2, tenantId);
            st.setString(3, label);
            setNullableLong(st, 4, policyId);
            st.setString(5, quarantineTenant);
            return st.executeUpdate() == 1 ? Outcome.DONE : Outcome.TAKEN;
        }
    }

    /** Changes the label and/or the policy (each only when its {@code set} flag is true; null clears it). */
    public Outcome update(long tenantId, long imei, boolean setLabel, String label, boolean setPolicy, Long policyId)
            throws SQLException {
        return update(tenantId, imei, setLabel, label, setPolicy, policyId, Transaction.Step.NONE);
    }

    /** As {@link #update(long, long, boolean, String, boolean, Long)}, with {@code alongside} in its transaction. */
    public Outcome update(long tenantId, long imei, boolean setLabel, String label, boolean setPolicy, Long policyId,
                          Transaction.Step alongside) throws SQLException {
        return Transaction.run(dataSource, c -> {
            if (setPolicy && policyId != null && !exists(c, OWN_POLICY, policyId, tenantId)) {
                return Outcome.POLICY_NOT_FOUND;
            }
            try (PreparedStatement st = c.prepareStatement("UPDATE devices SET"
                    + " label = CASE WHEN ? THEN ? ELSE label END,"
                    + " policy_id = CASE WHEN ? THEN ?::bigint ELSE policy_id END"
                    + " WHERE imei = ? AND tenant_id = ?")) {
                st.setBoolean(1, setLabel);
                st.setString(2, label);
                st.setBoolean(3, setPolicy);
                setNullableLong(st, 4, policyId);
                st.setLong(5, imei);
                st.setLong(6, tenantId);
                if (st.executeUpdate() != 1) {
                    return Outcome.NOT_FOUND;
                }
            }
            alongside.run(c);
            return Outcome.DONE;
        });
    }

    /**
     * Sets or lifts the GDPR art. 18 restriction; false when the tenant has no such device. Setting it also drops the
     * device's webhook and Kafka deliveries still waiting in the outbox, in the same transaction: a restricted
     * device's data is not forwarded, however long a receiver or broker was away.
     */
    public boolean setRestricted(long tenantId, long imei, boolean restricted) throws SQLException {
        return setRestricted(tenantId, imei, restricted, Transaction.Step.NONE);
    }

    /** As {@link #setRestricted(long, long, boolean)}, with {@code alongside} in its transaction. */
    public boolean setRestricted(long tenantId, long imei, boolean restricted, Transaction.Step alongside)
            throws SQLException {
        return Transaction.run(dataSource, c -> {
            if (!setSwitch(c, "UPDATE devices SET restricted = ? WHERE imei = ? AND tenant_id = ?", restricted,
                    imei, tenantId)) {
                return false;
            }
            if (restricted) {
                dropWaitingDeliveries(c, imei);
            }
            alongside.run(c);
            return true;
        });
    }

    /**
     * Drops the device's webhook and Kafka deliveries still waiting in the outbox: what the device's switches no longer
     * allow is not forwarded, however long a receiver or broker was away. A Kafka send under way holds its rows
     * locked, so this waits for it.
     */
    static void dropWaitingDeliveries(Connection c, long imei) throws SQLException {
        deleteByImei(c, "DELETE FROM webhook_deliveries WHERE imei = ? AND state = 'pending'", imei);
    }

    /** Switches the driver's private mode on until {@code until}, with {@code alongside} in its transaction. */
    public boolean setPrivateUntil(long tenantId, long imei, Instant until, Transaction.Step alongside)
            throws SQLException {
        return switchWith("UPDATE devices SET private_until = ? WHERE imei = ? AND tenant_id = ?", timestamp(until),
                imei, tenantId, alongside);
    }

    /**
     * Switches the driver's private mode off at {@code now}, with {@code alongside} in its transaction: it then ends
     * now rather than being forgotten, so that a record received while it was on but judged again after this call (its
     * write refused as stale) stays private.
     */
    public boolean endPrivateMode(long tenantId, long imei, Instant now, Transaction.Step alongside)
            throws SQLException {
        // LEAST alone would give a device never switched on an end too.
        return switchWith("UPDATE devices SET private_until = CASE WHEN private_until IS NULL THEN NULL"
                + " ELSE LEAST(private_until, ?) END WHERE imei = ? AND tenant_id = ?", timestamp(now), imei, tenantId,
                alongside);
    }

    private boolean switchWith(String sql, Object value, long imei, long tenantId, Transaction.Step alongside)
            throws SQLException {
        return Transaction.run(dataSource, c -> {
            if (!setSwitch(c, sql, value, imei, tenantId)) {
                return false;
            }
            alongside.run(c);
            return true;
        });
    }

    /** Runs {@code sql}, an update of one switch of the tenant's device to {@code value}; false: no such device. */
    private static boolean setSwitch(Connection c, String sql, Object value, long imei, long tenantId)
            throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, value);
            st.setLong(2, imei);
            st.setLong(3, tenantId);
            return st.executeUpdate() == 1;
        }
    }

    /**
     * Deletes the device with everything stored about it but the audit trail (positions, sealed undecided records,
     * trips, events, consent history, driver tokens), in one transaction. Returns the number of positions deleted, or -1
     * when there is no such device in the tenant.
     */
    public long delete(long tenantId, long imei) throws SQLException {
        return Transaction.run(dataSource, c -> delete(c, tenantId, imei));
    }

    /** The tables {@link #delete} deletes the device's rows of itself, with no foreign key that would say so. */
    private static final List<String> DELETED_TABLES = List.of("positions", "sealed_positions", "device_events",
            "webhook_deliveries");

    /** {@link #delete(long, long)} inside the caller's transaction on {@code c}. */
    public static long delete(Connection c, long tenantId, long imei) throws SQLException {
        if (!exists(c, "SELECT 1 FROM devices WHERE imei = ? AND tenant_id = ? FOR UPDATE", imei, tenantId)) {
            return -1L;
        }
        // Analyzed again once this commits: the planner's statistics would keep the device's values.
        List<String> tables = new ArrayList<>(DELETED_TABLES);
        tables.addAll(StaleStatistics.referencingDevices(c));
        StaleStatistics.queue(c, imei, null, tables);
        long positions = deleteByImei(c, "DELETE FROM positions WHERE imei = ?", imei);
        deleteByImei(c, "DELETE FROM sealed_positions WHERE imei = ?", imei);
        deleteByImei(c, "DELETE FROM device_events WHERE imei = ?", imei);
        deleteByImei(c, "DELETE FROM webhook_deliveries WHERE imei = ?", imei);
        deleteByImei(c, "DELETE FROM consent_history WHERE imei = ?", imei);
        deleteByImei(c, "DELETE FROM devices WHERE imei = ?", imei);
        return positions;
    }

    private static long deleteByImei(Connection c, String sql, long imei) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setLong(1, imei);
            return st.executeLargeUpdate();
        }
    }

    private static boolean exists(Connection c, String sql, long a, long b) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setLong(1, a);
            st.setLong(2, b);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    static void setNullableLong(PreparedStatement st, int i, Long value) throws SQLException {
        if (value == null) {
            st.setNull(i, java.sql.Types.BIGINT);
        } else {
            st.setLong(i, value);
        }
    }

    private static FleetDevice device(ResultSet rs) throws SQLException {
        long policy = rs.getLong(4);
        Long policyId = rs.wasNull() ? null : policy;
        return new FleetDevice(rs.getLong(1), rs.getLong(2), rs.getString(3), policyId, rs.getBoolean(5),
                instant(rs, 6), instant(rs, 7), instant(rs, 8));
    }
}
