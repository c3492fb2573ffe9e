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
 */
public record WriterSettings(int threads, int maxQueuedRecords, long maxQueuedBytes, int maxTransactionRecords,
                             boolean deduplicate) {
    public WriterSettings {
        positive("threads", threads);
        positive("maxQueuedRecords", maxQueuedRecords);
        positive("maxQueuedBytes", maxQueuedBytes);
        positive("maxTransactionRecords", maxTransactionRecords);
    }

    /** Two writers, 10,000-record transactions, at most 200,000 records or 64 MiB waiting. */
    public static WriterSettings defaults() {
        return new WriterSettings(2, 200_000, 64L << 20, 10_000, true);
    }

    public WriterSettings withThreads(int n) {
        return new WriterSettings(n, maxQueuedRecords, maxQueuedBytes, maxTransactionRecords, deduplicate);
    }

    public WriterSettings withMaxTransactionRecords(int n) {
        return new WriterSettings(threads, maxQueuedRecords, maxQueuedBytes, n, deduplicate);
    }

    public WriterSettings withQueueLimits(int records, long bytes) {
        return new WriterSettings(threads, records, bytes, maxTransactionRecords, deduplicate);
    }

    public WriterSettings withDeduplicate(boolean dedup) {
        return new WriterSettings(threads, maxQueuedRecords, maxQueuedBytes, maxTransactionRecords, dedup);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
