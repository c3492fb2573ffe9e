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

/** The fleets (tenants): made explicitly by an operator, each with its own devices, policies and tokens. */
public final class Tenants {
    /** A fleet and what it holds. */
    public record Tenant(long id, String name, Instant createdAt, long devices, long liveTokens) {}

    private final DataSource dataSource;

    public Tenants(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    /** Makes the fleet and returns its id, or empty when one of that name exists. */
    public Optional<Long> create(String name) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(
                     "INSERT INTO tenants (name) VALUES (?) ON CONFLICT (name) DO NOTHING RETURNING id")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    public Optional<Long> find(String name) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT id FROM tenants WHERE name = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /** True when the tenant has the device {@code imei}. */
    static boolean hasDevice(Connection c, long tenantId, long imei) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM devices WHERE imei = ? AND tenant_id = ?")) {
            st.setLong(1, imei);
            st.setLong(2, tenantId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    public List<Tenant> list() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT t.id, t.name, t.created_at,"
                     + " (SELECT count(*) FROM devices d WHERE d.tenant_id = t.id),"
                     + " (SELECT count(*) FROM api_tokens k WHERE k.tenant_id = t.id AND k.revoked_at IS NULL"
                     + " AND (k.expires_at IS NULL OR k.expires_at > now())) FROM tenants t ORDER BY t.name");
             ResultSet rs = st.executeQuery()) {
            List<Tenant> tenants = new ArrayList<>();
            while (rs.next()) {
                tenants.add(new Tenant(rs.getLong(1), rs.getString(2), PositionQuery.instant(rs, 3), rs.getLong(4),
                        rs.getLong(5)));
            }
            return tenants;
        }
    }
}
