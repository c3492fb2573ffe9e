package dev.telemask.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@link PositionWriter}'s Micrometer meters, named {@code telemask.storage.writer.*}, and the sealed rows it
 * writes and deletes ({@code telemask.storage.sealed.*}, shared with {@link SealedStore}).
 */
final class WriterMetrics {
    private final DistributionSummary transactionRecords;
    private final Counter rowsInserted;
    private final Counter rowsDuplicate;
    private final Timer commit;
    private final Timer transaction;
    private final Counter rejected;
    private final Counter sealedWritten;
    private final Counter sealedResolved;
    private final Counter staleBatches;
    private final Counter noticesFailed;
    private final Counter queued;
    private final Counter refusedBatches;
    private final Counter refusedRecords;
    private final Map<FailureCause, Counter> failures = new EnumMap<>(FailureCause.class);
    private final Map<PositionInserter.CopyPath, Counter> copyPaths = new EnumMap<>(PositionInserter.CopyPath.class);
    private final Map<FailureCause, Counter> failedRecords = new EnumMap<>(FailureCause.class);

    WriterMetrics(MeterRegistry registry, PositionQueue queue) {
        noticesFailed = Counter.builder("telemask.storage.writer.notices.failed")
                .description("Committed transactions whose devices could not be announced to live maps")
                .register(registry);
        transactionRecords = DistributionSummary.builder("telemask.storage.writer.transaction.records")
                .description("Records per write transaction (the batch size the database sees)")
                .baseUnit("records").publishPercentileHistogram().register(registry);
        // rows/s is the rate of these counters.
        rowsInserted = Counter.builder("telemask.storage.writer.rows").tag("result", "inserted")
                .description("Rows committed to positions").register(registry);
        rowsDuplicate = Counter.builder("telemask.storage.writer.rows").tag("result", "duplicate")
                .description("Rows skipped because an earlier send of them was stored").register(registry);
        commit = Timer.builder("telemask.storage.writer.commit").description("COMMIT round trip")
                .publishPercentileHistogram().register(registry);
        transaction = Timer.builder("telemask.storage.writer.transaction")
                .description("Connection to commit: COPY, dedup insert and COMMIT")
                .publishPercentileHistogram().register(registry);
        rejected = Counter.builder("telemask.storage.writer.rejected")
                .description("Offers refused because the queue was full (backpressure)").register(registry);
        staleBatches = Counter.builder("telemask.storage.writer.stale.batches")
                .description("Batches not stored because the device's switches changed after they were masked;"
                        + " masked again and resent by the gateway").register(registry);
        sealedWritten = Counter.builder(SealedStore.WRITTEN_METER)
                .description("Undecided records written sealed to sealed_positions").register(registry);
        sealedResolved = Counter.builder(SealedStore.DELETED_METER).tag("reason", "resolved")
                .description("Sealed rows deleted: decided (resolved with the records), or expired as private")
                .register(registry);
        for (PositionInserter.CopyPath path : PositionInserter.CopyPath.values()) {
            copyPaths.put(path, Counter.builder("telemask.storage.writer.copies").tag("path", path.tag())
                    .description("Write transactions by how their positions went in: direct (COPY into positions),"
                            + " split (guessed resends deduplicated), fallback (met a stored row, all deduplicated),"
                            + " forwarded (all deduplicated, new rows queued for forwarding)")
                    .register(registry));
        }
        queued = Counter.builder("telemask.storage.writer.forward.queued")
                .description("Outbox rows queued for newly stored positions (webhooks subscribing to positions, Kafka)")
                .register(registry);
        for (FailureCause cause : FailureCause.values()) {
            failures.put(cause, Counter.builder("telemask.storage.writer.failures").tag("cause", cause.tag())
                    .description("Failed write transactions").register(registry));
            failedRecords.put(cause, Counter.builder("telemask.storage.writer.failed.records")
                    .tag("cause", cause.tag()).description("Records of batches whose write failed, not acknowledged")
                    .register(registry));
        }
        refusedBatches = Counter.builder("telemask.storage.writer.refused.batches")
                .description("Batches that failed alone for what they hold (a value the database refuses), after"
                        + " the other batches of their transaction were written apart; not acknowledged")
                .register(registry);
        refusedRecords = Counter.builder("telemask.storage.writer.refused.records")
                .description("Records of refused batches").register(registry);
        Gauge.builder("telemask.storage.writer.queue.records", queue, PositionQueue::records)
                .description("Records accepted and not yet completed").register(registry);
        Gauge.builder("telemask.storage.writer.queue.waiting.records", queue, PositionQueue::waitingRecords)
                .description("Records accepted and not yet taken by a writer thread").register(registry);
        Gauge.builder("telemask.storage.writer.queue.bytes", queue, PositionQueue::bytes).baseUnit("bytes")
                .description("Estimated bytes held by accepted batches").register(registry);
    }

    void rejected() {
        rejected.increment();
    }

    void committed(int records, long inserted, long nanos, long commitNanos) {
        transactionRecords.record(records);
        rowsInserted.increment(inserted);
        rowsDuplicate.increment(records - inserted);
        transaction.record(nanos, TimeUnit.NANOSECONDS);
        commit.record(commitNanos, TimeUnit.NANOSECONDS);
    }

    void queued(long rows) {
        queued.increment(rows);
    }

    void copyPath(PositionInserter.CopyPath path) {
        copyPaths.get(path).increment();
    }

    void announced(boolean announced) {
        if (!announced) {
            noticesFailed.increment();
        }
    }

    void stale(int batches) {
        if (batches > 0) {
            staleBatches.increment(batches);
        }
    }

    void sealed(int written, long resolved) {
        sealedWritten.increment(written);
        sealedResolved.increment(resolved);
    }

    void failedTransaction(FailureCause cause) {
        failures.get(cause).increment();
    }

    /** Records of batches failed for good: not acknowledged (a batch of a failed transaction may be stored apart). */
    void failedRecords(FailureCause cause, int records) {
        failedRecords.get(cause).increment(records);
    }

    void refused(int records) {
        refusedBatches.increment();
        refusedRecords.increment(records);
    }
}
