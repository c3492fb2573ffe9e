package dev.telemask.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Retention on real TimescaleDB: drop_chunks (Apache build) or the native policy (community build). */
class TimescaleRetentionIT extends RetentionContract {
    @Override
    TestServer server() {
        return TestServer.timescale();
    }

    @Override
    RetentionJob.Mode expectedMode() {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('timescaledb.license', true)")) {
            rs.next();
            return "apache".equals(rs.getString(1)) ? RetentionJob.Mode.DROP_CHUNKS : RetentionJob.Mode.NATIVE_POLICY;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
