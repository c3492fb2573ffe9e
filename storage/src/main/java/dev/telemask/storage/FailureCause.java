package dev.telemask.storage;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** Why a write failed, coarse enough to be a metric tag and to tell ops where to look. */
enum FailureCause {
    /** The connection broke or the server shut down (SQLSTATE 08xxx, 57P01..57P03). */
    CONNECTION,
    /** No pooled connection within the pool's timeout: the database is down or saturated. */
    POOL_TIMEOUT,
    /** Deadlock or serialization failure between concurrent transactions (40xxx). */
    CONFLICT,
    /** A constraint refused a row (23xxx), e.g. a duplicate with deduplication switched off. */
    CONSTRAINT,
    /** The server ran out of something: disk, memory, connections (53xxx). */
    RESOURCES,
    /**
     * A value the database refuses (22xxx), e.g. a device time beyond what a timestamptz holds: a device's data,
     * never the database's state.
     */
    DATA,
    OTHER;

    /**
     * Whether one batch of the transaction may have caused it, so that writing the batches apart stores the others:
     * not while the database is away, saturated or in conflict, where every batch fails alike (and retrying them
     * one by one would only press on a database that is down). An unknown failure may be one batch's too (a record
     * the writer cannot encode).
     */
    boolean mayLieInOneBatch() {
        return this == CONSTRAINT || this == DATA || this == OTHER;
    }

    /** The tag value, e.g. {@code pool_timeout}. */
    String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static FailureCause of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return POOL_TIMEOUT;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57P")) {
                    return CONNECTION;
                }
                if (state.startsWith("40")) {
                    return CONFLICT;
                }
                if (state.startsWith("23")) {
                    return CONSTRAINT;
                }
                if (state.startsWith("53")) {
                    return RESOURCES;
                }
                if (state.startsWith("22")) {
                    return DATA;
                }
            }
        }
        return OTHER;
    }
}
