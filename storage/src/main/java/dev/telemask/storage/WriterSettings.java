package dev.telemask.storage;

/**
 * How a {@link PositionWriter} is sized.
 *
 * @param threads               writer threads, each with its own connection and transactions
 * @param maxQueuedRecords      records accepted but not yet completed, over all devices; {@code offer} refuses more
 * @param maxQueuedBytes        the same bound in (estimated) bytes, so a few huge frames cannot exhaust memory
 * @param maxTransactionRecords records a writer thread gathers into one transaction (from many devices)
 * @param deduplicate           insert through a staging table with ON CONFLICT DO NOTHING, so a resent batch
 *                              stores nothing twice; {@code false} only for benchmarks: a resent batch then fails
 *                              its whole transaction on the unique index, forever
 * @param lingerNanos           how long a free writer thread waits for more to arrive while fewer than
 *                              {@code lingerRecords} records wait (0: it takes what waits at once). A transaction
 *                              costs the writer and the database mostly per transaction, so larger ones cost less
 *                              per record, for up to this much more acknowledgement latency
 * @param lingerRecords         the records that end a linger at once
 */
public record WriterSettings(int threads, int maxQueuedRecords, long maxQueuedBytes, int maxTransactionRecords,
                             boolean deduplicate, long lingerNanos, int lingerRecords) {
    public WriterSettings {
        positive("threads", threads);
        positive("maxQueuedRecords", maxQueuedRecords);
        positive("maxQueuedBytes", maxQueuedBytes);
        positive("maxTransactionRecords", maxTransactionRecords);
        if (lingerNanos < 0 || lingerRecords < 0) {
            throw new IllegalArgumentException("linger must not be negative, was " + lingerNanos + " ns and "
                    + lingerRecords + " records");
        }
    }

    /** Without linger. */
    public WriterSettings(int threads, int maxQueuedRecords, long maxQueuedBytes, int maxTransactionRecords,
                          boolean deduplicate) {
        this(threads, maxQueuedRecords, maxQueuedBytes, maxTransactionRecords, deduplicate, 0, 0);
    }

    /** Two writers, 10,000-record transactions, at most 200,000 records or 64 MiB waiting. */
    public static WriterSettings defaults() {
        return new WriterSettings(2, 200_000, 64L << 20, 10_000, true);
    }

    public WriterSettings withThreads(int n) {
        return new WriterSettings(n, maxQueuedRecords, maxQueuedBytes, maxTransactionRecords, deduplicate,
                lingerNanos, lingerRecords);
    }

    public WriterSettings withMaxTransactionRecords(int n) {
        return new WriterSettings(threads, maxQueuedRecords, maxQueuedBytes, n, deduplicate, lingerNanos,
                lingerRecords);
    }

    public WriterSettings withQueueLimits(int records, long bytes) {
        return new WriterSettings(threads, records, bytes, maxTransactionRecords, deduplicate, lingerNanos,
                lingerRecords);
    }

    public WriterSettings withDeduplicate(boolean dedup) {
        return new WriterSettings(threads, maxQueuedRecords, maxQueuedBytes, maxTransactionRecords, dedup,
                lingerNanos, lingerRecords);
    }

    public WriterSettings withLinger(java.time.Duration linger, int records) {
        return new WriterSettings(threads, maxQueuedRecords, maxQueuedBytes, maxTransactionRecords, deduplicate,
                linger.toNanos(), records);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
