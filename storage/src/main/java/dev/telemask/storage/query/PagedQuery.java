package dev.telemask.storage.query;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * A read whose rows go to a {@link RowSink} a page of {@value PositionQuery#FETCH_SIZE} at a time, each page read by a
 * statement of its own (autocommit) that has ended, and given its connection back, before its rows go to the sink. A
 * reader that stalls (an export to a slow client, for hours) therefore holds neither a connection nor a transaction,
 * which would keep vacuum from removing dead rows anywhere on the server; and a device's whole history takes the
 * memory of a page. Pages follow the query's key (its ORDER BY, unique): each row is read at most once, in key order;
 * rows stored or deleted while the read runs are in it when their page is read after.
 */
final class PagedQuery {
    /** Sets the query's own parameters from index 1 and returns the next free index. */
    @FunctionalInterface
    interface Parameters {
        int bind(PreparedStatement st) throws SQLException;
    }

    /** Sets {@code key} (the previous page's last row's) from index {@code at}, for the condition {@code after}. */
    @FunctionalInterface
    interface Key<K> {
        void bind(PreparedStatement st, int at, K key) throws SQLException;
    }

    /** Reads the current row. */
    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private PagedQuery() {
    }

    /**
     * Runs {@code select} (its WHERE clause included) in pages ordered by {@code order}, the next page's rows being
     * those that also meet {@code after} (a condition on the key, with the parameters {@code key} binds), handing each
     * row to {@code sink}; at most {@code max} rows (0: all). Returns how many it passed.
     */
    static <T> long stream(DataSource dataSource, String select, String order, String after, Parameters parameters,
                           Key<T> key, Row<T> row, long max, RowSink<T> sink) throws SQLException, IOException {
        return stream(dataSource, select, order, after, parameters, key, r -> r, null, row, max, sink);
    }

    /**
     * As above, the key of a row being {@code keyOf} of it, and the first page starting after {@code start} (null:
     * at the first row).
     */
    static <T, K> long stream(DataSource dataSource, String select, String order, String after, Parameters parameters,
                              Key<K> key, Function<T, K> keyOf, K start, Row<T> row, long max, RowSink<T> sink)
            throws SQLException, IOException {
        List<T> page = new ArrayList<>();
        K last = start;
        long rows = 0;
        int limit;
        do {
            limit = (int) (max > 0 ? Math.min(PositionQuery.FETCH_SIZE, max - rows) : PositionQuery.FETCH_SIZE);
            page.clear();
            String sql = select + (last == null ? "" : " AND " + after) + " ORDER BY " + order + " LIMIT " + limit;
            try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
                int next = parameters.bind(st);
                if (last != null) {
                    key.bind(st, next, last);
                }
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        page.add(row.read(rs));
                    }
                }
            }
            for (T r : page) {
                sink.accept(r);
            }
            rows += page.size();
            if (!page.isEmpty()) {
                last = keyOf.apply(page.get(page.size() - 1));
            }
        } while (page.size() == limit && (max == 0 || rows < max));
        return rows;
    }
}
