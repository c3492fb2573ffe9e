package dev.telemask.storage;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Secrets every gateway instance of a deployment shares, created at random by the first one that asks, and kept in
 * the database only sealed under the deployment's seal key: a dump of the database does not give them.
 */
public final class DeploymentSecrets {
    /** The key privacy zones derive their hidden regions from: stable for the deployment's lifetime. */
    public static final String ZONE_KEY = "privacy-zone-key";

    private DeploymentSecrets() {}

    /**
     * The secret {@code name}, creating 32 random bytes for it if it does not exist yet. A secret an older version
     * stored in clear, or one sealed under a key that no longer seals, is sealed again under the current key in the
     * same transaction: its value never changes (hidden regions do not move). A secret that was in clear has the
     * table's column statistics renewed after ({@link ColumnStatistics}).
     */
    public static byte[] getOrCreate(DataSource dataSource, String name, FieldSealer sealer) throws SQLException {
        byte[] candidate = new byte[32];
        new SecureRandom().nextBytes(candidate);
        String context = "secret:" + name;
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            boolean clearBefore = false;
            byte[] clear;
            try {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO deployment_secrets"
                        + " (name, value, sealed) VALUES (?, ?, true) ON CONFLICT (name) DO NOTHING")) {
                    insert.setString(1, name);
                    insert.setBytes(2, sealer.seal(context, candidate).getBytes(StandardCharsets.US_ASCII));
                    insert.executeUpdate();
                }
                byte[] value;
                boolean sealed;
                try (PreparedStatement select = connection.prepareStatement(
                        "SELECT value, sealed FROM deployment_secrets WHERE name = ? FOR UPDATE")) {
                    select.setString(1, name);
                    try (ResultSet rs = select.executeQuery()) {
                        rs.next();
                        value = rs.getBytes(1);
                        sealed = rs.getBoolean(2);
                    }
                }
                if (sealed) {
                    String text = new String(value, StandardCharsets.US_ASCII);
                    clear = sealer.open(context, text);
                    if (!sealer.sealedWithCurrentKey(text)) {
                        update(connection, name, sealer.seal(context, clear));
                    }
                } else {
                    clear = value;
                    update(connection, name, sealer.seal(context, clear));
                    clearBefore = true;
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
            if (clearBefore) {
                ColumnStatistics.renew(connection, "deployment_secrets");
            }
            return clear;
        }
    }

    private static void update(Connection connection, String name, String sealed) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "UPDATE deployment_secrets SET value = ?, sealed = true WHERE name = ?")) {
            st.setBytes(1, sealed.getBytes(StandardCharsets.US_ASCII));
            st.setString(2, name);
            st.executeUpdate();
        }
    }
}
