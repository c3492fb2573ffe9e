package dev.telemask.storage;

import java.time.Duration;
import java.util.Objects;

/**
 * The API's own connection pool: how many connections, and the session limits that keep one client's query from
 * holding a connection or a transaction open for long.
 *
 * @param poolSize                   connections; the API never takes more, whatever its load
 * @param statementTimeout           PostgreSQL's {@code statement_timeout} on these connections (zero: none)
 * @param idleInTransactionTimeout   PostgreSQL's {@code idle_in_transaction_session_timeout} (zero: none)
 */
public record ApiPoolSettings(int poolSize, Duration statementTimeout, Duration idleInTransactionTimeout) {
    public ApiPoolSettings {
        if (poolSize <= 0) {
            throw new IllegalArgumentException("the API pool size must be positive, was " + poolSize);
        }
        Objects.requireNonNull(statementTimeout, "statementTimeout");
        Objects.requireNonNull(idleInTransactionTimeout, "idleInTransactionTimeout");
        if (statementTimeout.isNegative() || idleInTransactionTimeout.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
    }

    /** 8 connections, statements cut after 60 s, transactions left idle cut after 60 s. */
    public static ApiPoolSettings defaults() {
        return new ApiPoolSettings(8, Duration.ofSeconds(60), Duration.ofSeconds(60));
    }

    /** The SQL run on each new connection of the pool. */
    String sessionSql() {
        return "SET statement_timeout = " + statementTimeout.toMillis()
                + "; SET idle_in_transaction_session_timeout = " + idleInTransactionTimeout.toMillis();
    }
}
