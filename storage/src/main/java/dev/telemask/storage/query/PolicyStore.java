package dev.telemask.storage.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import javax.sql.DataSource;

import static dev.telemask.storage.query.PositionQuery.instant;

/**
 * A tenant's privacy policies. A change never overwrites: it appends a version, so every stored record can be
 * explained by the version in force when it was written. Documents are validated by the caller.
 */
public final class PolicyStore {
    private static final String SELECT = """
            SELECT p.id, p.name, COALESCE(v.version, 0), v.document::text, p.created_at
              FROM policies p
              LEFT JOIN LATERAL (SELECT version, document FROM policy_versions pv
                                  WHERE pv.policy_id = p.id ORDER BY version DESC LIMIT 1) v ON true
             WHERE p.tenant_id = ?""";

    private final DataSource dataSource;

    public PolicyStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    public List<StoredPolicy> list(long tenantId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(SELECT + " ORDER BY p.id")) {
            st.setLong(1, tenantId);
            List<StoredPolicy> policies = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    policies.add(policy(rs, List.of()));
                }
            }
            return policies;
        }
    }

    /** The tenant's policy with its version history, or empty when it has none with that id. */
    public Optional<StoredPolicy> find(long tenantId, long policyId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(SELECT + " AND p.id = ?")) {
            st.setLong(1, tenantId);
            st.setLong(2, policyId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(policy(rs, versions(c, policyId)));
            }
        }
    }

    /** Creates a policy with its first version; empty when the tenant already has a policy of that name. */
    public OptionalLong create(long tenantId, String name, String document, String createdBy) throws SQLException {
        return Transaction.run(dataSource, c -> {
            long id;
            try (PreparedStatement st = c.prepareStatement("INSERT INTO policies (tenant_id, name) VALUES (?, ?)"
                    + " ON CONFLICT (tenant_id, name) DO NOTHING RETURNING id")) {
                st.setLong(1, tenantId);
                st.setString(2, name);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return OptionalLong.empty();
                    }
                    id = rs.getLong(1);
                }
            }
            insertVersion(c, id, 1, document, createdBy);
            return OptionalLong.of(id);
        });
    }

    /** Appends a version and returns its number; empty when the tenant has no such policy. */
    public OptionalInt addVersion(long tenantId, long policyId, String document, String createdBy)
            throws SQLException {
        return Transaction.run(dataSource, c -> {
            // The row lock serialises concurrent changes of one policy, so each gets the next number.
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT 1 FROM policies WHERE id = ? AND tenant_id = ? FOR UPDATE")) {
                st.setLong(1, policyId);
                st.setLong(2, tenantId);
                try (ResultSet rs = st.executeQuery()) {
                    if (!rs.next()) {
                        return OptionalInt.empty();
                    }
                }
            }
            int version;
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT COALESCE(MAX(version), 0) + 1 FROM policy_versions WHERE policy_id = ?")) {
                st.setLong(1, policyId);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    version = rs.getInt(1);
                }
            }
            insertVersion(c, policyId, version, document, createdBy);
            return OptionalInt.of(version);
        });
    }

    private static void insertVersion(Connection c, long policyId, int version, String document, String createdBy)
            throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO policy_versions"
                + " (policy_id, version, document, created_by) VALUES (?, ?, ?::jsonb, ?)")) {
            st.setLong(1, policyId);
            st.setInt(2, version);
            st.setString(3, document);
            st.setString(4, createdBy);
            st.executeUpdate();
        }
    }

    private static List<PolicyVersion> versions(Connection c, long policyId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT version, created_by, created_at FROM policy_versions"
                + " WHERE policy_id = ? ORDER BY version")) {
            st.setLong(1, policyId);
            List<PolicyVersion> versions = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    versions.add(new PolicyVersion(rs.getInt(1), rs.getString(2), instant(rs, 3)));
                }
            }
            return versions;
        }
    }

    private static StoredPolicy policy(ResultSet rs, List<PolicyVersion> versions) throws SQLException {
        return new StoredPolicy(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4), instant(rs, 5),
                versions);
    }
}
