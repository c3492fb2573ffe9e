package dev.telemask.storage;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.TestAbortedException;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Base of the integration tests: a fresh database on the class's {@link TestServer}. When the server is not there
 * (no TimescaleDB), every test is reported skipped with the reason, rather than the class vanishing from the report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DatabaseContract {
    HikariDataSource dataSource;
    private String unavailable;

    abstract TestServer server();

    /** Runs once the database exists, e.g. to migrate it. */
    void prepare() throws Exception {
    }

    /** Runs before the database is dropped from use. */
    void finish() throws Exception {
    }

    @BeforeAll
    final void createDatabase() throws Exception {
        try {
            dataSource = server().createDatabase(6);
        } catch (TestAbortedException e) {
            unavailable = e.getMessage();
            return;
        }
        prepare();
    }

    @BeforeEach
    final void requireServer() {
        assumeTrue(unavailable == null, unavailable);
    }

    @AfterAll
    final void closeDatabase() throws Exception {
        try {
            if (dataSource != null) {
                finish();
            }
        } finally {
            if (dataSource != null) {
                dataSource.close();
            }
        }
    }

    long queryLong(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The first column of every row {@code sql} returns, as longs. */
    java.util.List<Long> longs(String sql) throws SQLException {
        java.util.List<Long> out = new java.util.ArrayList<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    byte[] queryBytes(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getBytes(1);
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
