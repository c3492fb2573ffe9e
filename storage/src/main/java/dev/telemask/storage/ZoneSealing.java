package dev.telemask.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The start-up step that leaves no zone centre in clear and none under a retired key: policy versions an older
 * version stored with clear centres are sealed (their zones get ids), and centres of policies and of drivers' own
 * zones sealed under a key that no longer seals are sealed again under the current one. Idempotent, one transaction,
 * safe with several instances starting at once (the rows are locked).
 */
public final class ZoneSealing {
    private ZoneSealing() {}

    /** Seals what needs it; returns how many policy versions and device zones were rewritten. */
    public static int run(DataSource dataSource, SealedZones zones) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            int rewritten;
            try {
                rewritten = policyVersions(c, zones) + deviceZones(c, zones);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
            if (rewritten > 0) {
                ColumnStatistics.renew(c, "policy_versions", "device_zones");
            }
            return rewritten;
        }
    }

    private static int policyVersions(Connection c, SealedZones zones) throws SQLException {
        record Row(long policy, int version, String document) {
        }
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT policy_id, version, document::text FROM policy_versions"
                + " WHERE jsonb_typeof(document -> 'zones') = 'array' AND jsonb_array_length(document -> 'zones') > 0"
                + " FOR UPDATE");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                rows.add(new Row(rs.getLong(1), rs.getInt(2), rs.getString(3)));
            }
        }
        int rewritten = 0;
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE policy_versions SET document = ?::jsonb WHERE policy_id = ? AND version = ?")) {
            for (Row row : rows) {
                Optional<String> sealed = zones.resealed(row.document());
                if (sealed.isPresent()) {
                    update.setString(1, sealed.get());
                    update.setLong(2, row.policy());
                    update.setInt(3, row.version());
                    update.executeUpdate();
                    rewritten++;
                }
            }
        }
        return rewritten;
    }

    private static int deviceZones(Connection c, SealedZones zones) throws SQLException {
        List<String[]> stale = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT id, sealed_centre FROM device_zones FOR UPDATE");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                if (!zones.current(rs.getString(2))) {
                    stale.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
        }
        try (PreparedStatement update = c.prepareStatement("UPDATE device_zones SET sealed_centre = ? WHERE id = ?")) {
            for (String[] zone : stale) {
                SealedZones.Centre centre = zones.openCentre(zone[0], zone[1]);
                update.setString(1, zones.sealCentre(zone[0], centre.latitude(), centre.longitude()));
                update.setString(2, zone[0]);
                update.executeUpdate();
            }
        }
        return stale.size();
    }
}
