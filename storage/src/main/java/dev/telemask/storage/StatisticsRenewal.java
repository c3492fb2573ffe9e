package dev.telemask.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Analyzes the tables and chunks queued in {@code stale_statistics} by committed erasures and device deletions, so
 * that their planner statistics ({@code pg_stats}) no longer hold the deleted rows' values: ANALYZE samples the rows
 * left, and a committed delete's rows are not among them. Owned by the gateway, which runs it at start (what an
 * instance stopped before it could analyze) and then every minute; any instance may run it, each relation is taken
 * by one at a time. A relation whose analysis fails stays queued for the next run, logged and counted in
 * {@code telemask.storage.statistics.renewal.failures}; {@code telemask.storage.statistics.stale} is the number of
 * queued rows the last run left.
 */
public final class StatisticsRenewal {
    private static final Logger LOG = System.getLogger(StatisticsRenewal.class.getName());

    private final DataSource dataSource;
    private final Counter renewed;
    private final Counter failures;
    private final AtomicLong left = new AtomicLong();

    public StatisticsRenewal(DataSource dataSource, MeterRegistry registry) {
        this.dataSource = dataSource;
        renewed = Counter.builder("telemask.storage.statistics.renewals")
                .description("Tables and chunks analyzed again after an erasure or a device's deletion")
                .register(registry);
        failures = Counter.builder("telemask.storage.statistics.renewal.failures")
                .description("Analyses after an erasure or a device's deletion that failed; retried at the next run")
                .register(registry);
        Gauge.builder("telemask.storage.statistics.stale", left, AtomicLong::get)
                .description("Relations still queued for analysis after the last run: their statistics may hold"
                        + " erased values").register(registry);
    }

    /**
     * Analyzes every queued relation once, each in its own transaction, and returns how many were analyzed; what
     * fails stays queued. Throws only when the queue itself cannot be read.
     */
    public int runPending() throws SQLException {
        Set<String> tried = new LinkedHashSet<>();
        int analyzed = 0;
        while (true) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                String relation = next(c, tried);
                if (relation == null) {
                    c.rollback();
                    left.set(queued(c));
                    return analyzed;
                }
                tried.add(relation);
                try {
                    analyze(c, relation);
                    analyzed++;
                    renewed.increment();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    failures.increment();
                    LOG.log(Level.WARNING, "analyzing {0} after an erasure failed, retried at the next run: {1}",
                            relation, e.toString());
                }
            }
        }
    }

    /** The oldest queued relation not tried in this run and not taken by another instance, its rows locked; or null. */
    private static String next(Connection c, Set<String> tried) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT relation FROM stale_statistics"
                + " WHERE relation <> ALL (?) ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED")) {
            Array names = c.createArrayOf("text", tried.toArray());
            st.setArray(1, names);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /**
     * Takes the relation's queued rows, analyzes it and commits. Rows queued by erasures that commit meanwhile are
     * not taken (their deletes may come after this sample) and wait for the next run.
     */
    private static void analyze(Connection c, String relation) throws SQLException {
        try (PreparedStatement take = c.prepareStatement("DELETE FROM stale_statistics WHERE id IN (SELECT id"
                + " FROM stale_statistics WHERE relation = ? FOR UPDATE SKIP LOCKED)");
             PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?)::text");
             Statement st = c.createStatement()) {
            take.setString(1, relation);
            take.executeUpdate();
            exists.setString(1, relation);
            String name;
            try (ResultSet rs = exists.executeQuery()) {
                rs.next();
                name = rs.getString(1);
            }
            // A chunk dropped since (retention) took its statistics with it.
            if (name != null) {
                // A large chunk's sample may take longer than a pool's statement timeout.
                st.execute("SET LOCAL statement_timeout = 0");
                ColumnStatistics.renew(c, name);
            }
        }
        c.commit();
    }

    private static long queued(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM stale_statistics")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
