package dev.telemask.bench.query;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import javax.sql.DataSource;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads a {@link SyntheticFleetYear} into {@code positions} with binary COPY, one transaction per day, skipping the
 * days a previous run already loaded: each day's COPY commits together with its row in a marker table, so an
 * interrupted load resumes where it stopped and a re-run of the benchmark loads nothing.
 */
final class FleetYearLoader {
    private static final String MARKER = "track_query_bench_days";
    private static final int PROGRESS_DAYS = 30;

    private final DataSource dataSource;
    private final SyntheticFleetYear year;
    private final PrintStream out;

    FleetYearLoader(DataSource dataSource, SyntheticFleetYear year, PrintStream out) {
        this.dataSource = dataSource;
        this.year = year;
        this.out = out;
    }

    /** Loads the missing days with {@code threads} COPY connections; returns the rows loaded by this run. */
    long loadMissingDays(int threads) throws Exception {
        ConcurrentLinkedQueue<Integer> missing = new ConcurrentLinkedQueue<>(missingDays());
        if (missing.isEmpty()) {
            out.printf("data already loaded (%d days marked in %s): skipping the load%n", SyntheticFleetYear.DAYS,
                    MARKER);
            return 0;
        }
        int toLoad = missing.size();
        out.printf("loading %d days x %,d rows/day (%,d rows) with %d COPY connections%n", toLoad, year.rowsPerDay(),
                toLoad * year.rowsPerDay(), threads);
        AtomicLong loaded = new AtomicLong();
        AtomicLong daysDone = new AtomicLong();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (Integer day; (day = missing.poll()) != null; ) {
                        long rows = loaded.addAndGet(loadDay(day));
                        // About a line a month of data: enough to watch the rate, not a line per COPY.
                        if (daysDone.incrementAndGet() % PROGRESS_DAYS == 0) {
                            progress(rows, toLoad * year.rowsPerDay(), start);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("loaded %,d rows in %.0f s: %,.0f rows/s%n", loaded.get(), seconds, loaded.get() / seconds);
        return loaded.get();
    }

    private void progress(long loaded, long total, long start) {
        double seconds = (System.nanoTime() - start) / 1e9;
        synchronized (out) {
            out.printf("  %,d / %,d rows (%.0f %%), %,.0f rows/s, %.0f s%n", loaded, total, 100.0 * loaded / total,
                    loaded / seconds, seconds);
        }
    }

    private long loadDay(int day) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI()
                        .copyIn("COPY positions (" + SyntheticFleetYear.COLUMNS + ") FROM STDIN (FORMAT binary)");
                BinaryCopyWriter writer = new BinaryCopyWriter(copy);
                year.writeDay(day, writer);
                long rows = writer.finish();
                try (PreparedStatement mark = connection.prepareStatement(
                        "INSERT INTO " + MARKER + " (day, devices, interval_s, rows) VALUES (?, ?, ?, ?)")) {
                    mark.setInt(1, day);
                    mark.setInt(2, year.devices());
                    mark.setLong(3, year.interval().toSeconds());
                    mark.setLong(4, rows);
                    mark.executeUpdate();
                }
                connection.commit();
                return rows;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    /** The days not loaded yet; fails when the database holds a fleet year of other dimensions. */
    private List<Integer> missingDays() throws SQLException {
        boolean[] done = new boolean[SyntheticFleetYear.DAYS];
        try (Connection connection = dataSource.getConnection(); Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + MARKER + " (day integer PRIMARY KEY, devices integer NOT NULL,"
                    + " interval_s bigint NOT NULL, rows bigint NOT NULL)");
            try (ResultSet rs = st.executeQuery("SELECT day, devices, interval_s FROM " + MARKER)) {
                while (rs.next()) {
                    if (rs.getInt(2) != year.devices() || rs.getLong(3) != year.interval().toSeconds()) {
                        throw new IllegalStateException("the database holds a fleet year of " + rs.getInt(2)
                                + " devices every " + rs.getLong(3) + " s; use a fresh database for "
                                + year.devices() + " devices every " + year.interval().toSeconds() + " s");
                    }
                    done[rs.getInt(1)] = true;
                }
            }
        }
        List<Integer> missing = new ArrayList<>();
        for (int day = 0; day < done.length; day++) {
            if (!done[day]) {
                missing.add(day);
            }
        }
        return missing;
    }
}
