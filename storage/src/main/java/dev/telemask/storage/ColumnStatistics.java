package dev.telemask.storage;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Renews the planner's column statistics of tables whose values were just sealed in place, or whose rows an erasure
 * deleted ({@link StatisticsRenewal}). {@code ANALYZE} keeps
 * sample values of every column in {@code pg_statistic} (its most common values and histogram bounds, shown by
 * {@code pg_stats}) until it runs again, and autovacuum analyzes a small table only after dozens of changes: clear zone
 * centres or the zone key sampled before they were sealed would stay there, in every dump that carries statistics.
 */
final class ColumnStatistics {
    private ColumnStatistics() {}

    /**
     * Analyzes {@code tables} over {@code connection}, which must not be in a transaction that still holds the clear
     * values or the rows to forget (commit first): the new sample is then of sealed values, or of the rows left, only.
     */
    static void renew(Connection connection, String... tables) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("ANALYZE " + String.join(", ", tables));
        }
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
    }
}
