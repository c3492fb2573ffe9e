package dev.telemask.storage;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Secrets every gateway instance of a deployment shares, created at random by the first one that asks. */
public final class DeploymentSecrets {
    /** The key privacy zones derive their hidden discs from: stable for the deployment's lifetime. */
    public static final String ZONE_KEY = "privacy-zone-key";

    private DeploymentSecrets() {}

    /** The secret {@code name}, creating 32 random bytes for it if it does not exist yet. */
    public static byte[] getOrCreate(DataSource dataSource, String name) throws SQLException {
        byte[] candidate = new byte[32];
        new SecureRandom().nextBytes(candidate);
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO deployment_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")) {
                insert.setString(1, name);
                insert.setBytes(2, candidate);
                insert.executeUpdate();
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT value FROM deployment_secrets WHERE name = ?")) {
                select.setString(1, name);
                try (ResultSet rs = select.executeQuery()) {
                    rs.next();
                    return rs.getBytes(1);
                }
            }
        }
    }
}
