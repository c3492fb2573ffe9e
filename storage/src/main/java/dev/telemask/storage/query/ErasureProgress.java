package dev.telemask.storage.query;

/** Told of an erasure's rows as it deletes them, statement by statement, before its transaction commits. */
@FunctionalInterface
public interface ErasureProgress {
    /** Tells nothing. */
    ErasureProgress NONE = (table, rows) -> { };

    /** {@code rows} more rows of {@code table} deleted by the erasure's last statement. */
    void deleted(String table, long rows);
}
