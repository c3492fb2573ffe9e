package dev.telemask.storage.query;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A read whose rows go to a {@link RowSink} one at a time through the driver's cursor, so that a device's whole
 * history (an export) takes the memory of a fetch, not of its rows.
 */
final class CursorQuery {
    /** Sets the query's parameters. */
    @FunctionalInterface
    interface Parameters {
        void bind(PreparedStatement st) throws SQLException;
    }

    /** Reads the current row. */
    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private CursorQuery() {
    }

    /** Runs {@code sql}, handing each row to {@code sink}; returns how many it passed. */
    static <T> long stream(DataSource dataSource, String sql, Parameters parameters, Row<T> row, RowSink<T> sink)
            throws SQLException, IOException {
        try (Connection c = dataSource.getConnection()) {
            // The driver streams with a cursor only inside a transaction; otherwise it reads every row first.
            c.setAutoCommit(false);
            try (PreparedStatement st = c.prepareStatement(sql)) {
                st.setFetchSize(PositionQuery.FETCH_SIZE);
                parameters.bind(st);
                long rows = 0;
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(row.read(rs));
                        rows++;
                    }
                }
                return rows;
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }
}
