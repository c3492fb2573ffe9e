package dev.telemask.storage;

import io.micrometer.core.instrument.MeterRegistry;

import javax.sql.DataSource;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes masked position batches from many devices to the database in large COPY transactions, and tells each
 * batch's {@link BatchCallback} only once its transaction has committed (or failed), so the gateway acknowledges a
 * device's frame only when its records are stored.
 *
 * <p>Bounded: {@link #offer} returns false when the queue is full, and the gateway stops reading from that socket
 * until {@link #offerOrWait}'s wake-up tells it there is room.
 * A failure (database down, restarted, deadlock) fails the batches of that transaction only; the writer threads go
 * on, and the pool replaces broken connections, so writing resumes by itself when the database is back.
 */
public final class PositionWriter implements PositionSink, AutoCloseable {
    private static final Logger LOG = System.getLogger(PositionWriter.class.getName());

    private final DataSource dataSource;
    private final WriterSettings settings;
    private final PositionQueue queue;
    private final WriterMetrics metrics;
    private final RecordSealer sealer;
    private final boolean kafka;
    private final StoredHorizon horizon = new StoredHorizon();
    private final List<Thread> threads = new ArrayList<>();

    private PositionWriter(DataSource dataSource, WriterSettings settings, RecordSealer sealer, boolean kafka,
                           MeterRegistry registry) {
        this.kafka = kafka;
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sealer = Objects.requireNonNull(sealer, "sealer");
        this.queue = new PositionQueue(settings.maxQueuedRecords(), settings.maxQueuedBytes());
        this.metrics = new WriterMetrics(Objects.requireNonNull(registry, "registry"), queue);
    }

    /**
     * Starts the writer threads, sealing the batches' {@link dev.telemask.privacy.Treatment#SEALED} records with
     * {@code sealer} (on the writer threads); the sealer also keeps the secret of the rows' {@link RecordKeys}.
     *
     * @param dataSource a pool with at least {@code settings.threads()} connections to a migrated database
     */
    public static PositionWriter start(DataSource dataSource, WriterSettings settings, RecordSealer sealer,
                                       MeterRegistry registry) {
        return start(dataSource, settings, sealer, false, registry);
    }

    /**
     * As {@link #start(DataSource, WriterSettings, RecordSealer, MeterRegistry)}; with {@code kafka}, every newly
     * stored exact or coarsened position and every event also gets an outbox row for the Kafka sink, in its
     * transaction.
     */
    public static PositionWriter start(DataSource dataSource, WriterSettings settings, RecordSealer sealer,
                                       boolean kafka, MeterRegistry registry) {
        PositionWriter writer = new PositionWriter(dataSource, settings, sealer, kafka, registry);
        for (int i = 0; i < settings.threads(); i++) {
            Thread thread = new Thread(writer::drain, "telemask-position-writer-" + i);
            writer.threads.add(thread);
            thread.start();
        }
        return writer;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException after {@link #close}
     */
    @Override
    public boolean offer(PositionBatch batch, BatchCallback callback) {
        return offerOrWait(batch, callback, null);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException after {@link #close}
     */
    @Override
    public boolean offerOrWait(PositionBatch batch, BatchCallback callback, Runnable whenRoom) {
        Objects.requireNonNull(callback, "callback");
        boolean accepted = queue.offer(batch, callback, whenRoom);
        if (!accepted) {
            metrics.rejected();
        }
        return accepted;
    }

    /** Records accepted and not yet completed. */
    public int queuedRecords() {
        return queue.records();
    }

    /**
     * Stops accepting batches, writes the ones already accepted, and waits up to {@code timeout} for the writer
     * threads to finish.
     */
    public void close(Duration timeout) throws InterruptedException {
        queue.close();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            long left = Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis());
            thread.join(left);
            if (thread.isAlive()) {
                LOG.log(Level.WARNING, "{0} still writing after {1}; leaving it to finish", thread.getName(),
                        timeout);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        close(Duration.ofSeconds(30));
    }

    private void drain() {
        PositionInserter inserter = new PositionInserter(dataSource, settings.deduplicate(), sealer, horizon, kafka);
        List<PositionBatch> transaction = new ArrayList<>();
        try {
            while (queue.take(transaction, settings.maxTransactionRecords(), settings.lingerRecords(),
                    settings.lingerNanos())) {
                write(inserter, transaction);
                transaction.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(PositionInserter inserter, List<PositionBatch> batches) {
        int weight = 0;
        long bytes = 0;
        for (PositionBatch batch : batches) {
            weight += batch.queuedWeight;
            bytes += batch.queuedBytes;
        }
        commitOrSplit(inserter, batches);
        for (Runnable whenRoom : queue.release(weight, bytes)) {
            try {
                whenRoom.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "a wake-up threw; the writer goes on", e);
            }
        }
    }

    /**
     * Writes the batches in one transaction and completes each. When it fails for what one batch may have caused (a
     * value the database refuses, a constraint, a record the writer cannot encode), the halves are written apart, and
     * theirs again, until the batch that fails alone is found: that batch is refused (not acknowledged, counted, one
     * line at WARN), and every other device's records are stored and acknowledged. Without this a device whose frame
     * the database refuses would fail every transaction it joins, at each resend, and stall everyone's ingest. A
     * failure every batch shares (the database away) fails them all at once, as before: halving would only press on
     * a database that is down.
     */
    private void commitOrSplit(PositionInserter inserter, List<PositionBatch> batches) {
        Throwable failure = null;
        Map<PositionBatch, StaleSwitchesException> stale = Map.of();
        long start = System.nanoTime();
        try {
            PositionInserter.Result result = inserter.insert(batches);
            stale = result.stale();
            metrics.stale(stale.size());
            metrics.committed(result.records(), result.inserted(), System.nanoTime() - start, result.commitNanos());
            metrics.sealed(result.sealed(), result.resolvedDeleted());
            metrics.copyPath(result.path());
            metrics.queued(result.queued());
            metrics.announced(result.announced());
        } catch (Exception | Error e) {
            failure = e;
            FailureCause cause = FailureCause.of(e);
            metrics.failedTransaction(cause);
            boolean inOneBatch = e instanceof Exception && cause.mayLieInOneBatch();
            if (inOneBatch && batches.size() > 1) {
                LOG.log(Level.WARNING, "writing {0} batches failed, cause {1}: {2}; writing them apart",
                        batches.size(), cause.tag(), e.toString());
                int half = batches.size() / 2;
                commitOrSplit(inserter, batches.subList(0, half));
                commitOrSplit(inserter, batches.subList(half, batches.size()));
                return;
            }
            int records = recordsOf(batches);
            metrics.failedRecords(cause, records);
            if (inOneBatch) {
                PositionBatch batch = batches.get(0);
                metrics.refused(records);
                // The device's own data, not the database: no stack trace. Not acknowledged, so the device resends it,
                // and it is refused again, alone.
                LOG.log(Level.WARNING, "refused the batch of device {0} ({1} records), cause {2}: {3}; not"
                        + " acknowledged", batch.imei(), records, cause.tag(), e.toString());
            } else {
                // Expected while the database is away; the devices resend, so this is not an ERROR.
                LOG.log(Level.WARNING, "writing {0} batches ({1} records) failed, cause {2}: {3}", batches.size(),
                        records, cause.tag(), e.toString());
            }
        }
        for (PositionBatch batch : batches) {
            complete(batch, failure != null ? failure : stale.get(batch));
        }
    }

    private static int recordsOf(List<PositionBatch> batches) {
        int records = 0;
        for (PositionBatch batch : batches) {
            records += batch.queuedWeight;
        }
        return records;
    }

    private static void complete(PositionBatch batch, Throwable failure) {
        BatchCallback callback = batch.callback;
        batch.callback = null;
        try {
            callback.completed(batch, failure);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "a batch callback threw; the writer goes on", e);
        }
    }
}
