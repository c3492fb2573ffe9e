package dev.telemask.storage.query;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Runs work on one connection in one transaction: committed when it returns, rolled back when it throws. */
public final class Transaction {
    /** Work inside a transaction. To give up without an error, return a value that says so and throw nothing. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Work that must commit exactly when the change it goes with does, inside that change's transaction: the audit row
     * of a switch, which is never made unaudited.
     */
    @FunctionalInterface
    public interface Step {
        /** Does nothing: for a change made without anything alongside. */
        Step NONE = connection -> { };

        void run(Connection connection) throws SQLException;
    }

    private Transaction() {
    }

    public static <T> T run(DataSource dataSource, Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }
}
