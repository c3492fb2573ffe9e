package dev.telemask.storage;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Columns the planner's statistics ({@code pg_stats}) must keep no sample of: the version before sampled them, and
 * once migrated to this one the sample is gone. The database is filled and analyzed under the version before.
 */
abstract class UnsampledColumnsContract extends DatabaseContract {
    /** The columns that must never be sampled, named as {@link #sampledColumnsQuery()} names them. */
    abstract List<String> unsampled();

    /** The last migration that still samples them. */
    abstract String versionBefore();

    /** Writes rows with values in those columns, under the version before. */
    abstract void fillBefore() throws SQLException;

    /** Names the columns that pg_stats has a sample (most common values or histogram) of. */
    abstract String sampledColumnsQuery();

    @Override
    final void prepare() throws SQLException {
        Flyway.configure().configuration(Migrations.flyway(dataSource).getConfiguration()).target(versionBefore())
                .load().migrate();
        fillBefore();
        execute("ANALYZE");
        assertTrue(sampledColumns().containsAll(unsampled()), "the version before sampled them: " + sampledColumns());
        Migrations.migrate(dataSource);
    }

    @Test
    void statisticsSampledBeforeThisVersionAreGone() throws SQLException {
        assertEquals(List.of(), unsampledIn(sampledColumns()));
    }

    List<String> sampledColumns() throws SQLException {
        List<String> sampled = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sampledColumnsQuery());
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                sampled.add(rs.getString(1));
            }
        }
        return sampled;
    }

    List<String> unsampledIn(List<String> sampled) {
        return sampled.stream().filter(unsampled()::contains).sorted().toList();
    }
}
