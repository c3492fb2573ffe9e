package dev.telemask.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the embedded PostgreSQL that this process owns running: when its postmaster dies, starts it again on the same
 * port and data directory, with a backoff between failed attempts. Meters {@code telemask.storage.embedded.*}.
 */
public final class EmbeddedSupervisor implements AutoCloseable {
    private static final Logger LOG = System.getLogger(EmbeddedSupervisor.class.getName());
    /** How often a running server is looked at: a dead one is noticed within this. */
    private static final Duration CHECK_INTERVAL = Duration.ofMillis(250);

    private final EmbeddedDatabase database;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Counter restarts;
    private final ScheduledExecutorService scheduler;
    private volatile boolean up = true;
    /** Touched only on the scheduler's thread. */
    private Duration backoff;

    private EmbeddedSupervisor(EmbeddedDatabase database, Duration firstBackoff, Duration maxBackoff,
                               MeterRegistry registry) {
        this.database = database;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.backoff = firstBackoff;
        this.restarts = Counter.builder("telemask.storage.embedded.restarts")
                .description("Restarts of the embedded PostgreSQL after its server died").register(registry);
        Gauge.builder("telemask.storage.embedded.up", this, s -> s.isUp() ? 1 : 0)
                .description("1 while the embedded PostgreSQL runs, 0 while it is down").register(registry);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telemask-embedded-supervisor");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts watching {@code database}, which this process must own (a process that attached to another's server
     * leaves it to its owner).
     *
     * @param firstBackoff wait after the server died before the first restart, doubled after each failed one
     * @param maxBackoff   the longest wait between two attempts
     */
    public static EmbeddedSupervisor start(EmbeddedDatabase database, Duration firstBackoff, Duration maxBackoff,
                                           MeterRegistry registry) {
        if (!database.isOwned()) {
            throw new IllegalArgumentException("the embedded PostgreSQL in " + database.dataDirectory()
                    + " belongs to another process: its owner supervises it");
        }
        EmbeddedSupervisor supervisor = new EmbeddedSupervisor(database, firstBackoff, maxBackoff, registry);
        supervisor.schedule(CHECK_INTERVAL);
        return supervisor;
    }

    /** False from the moment the server is found dead until it runs again. */
    public boolean isUp() {
        return up;
    }

    private void schedule(Duration delay) {
        try {
            scheduler.schedule(this::check, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // close() came first: nothing more to watch.
        }
    }

    private void check() {
        if (up) {
            if (database.isServerRunning()) {
                schedule(CHECK_INTERVAL);
                return;
            }
            up = false;
            backoff = firstBackoff;
            LOG.log(Level.WARNING, "the embedded PostgreSQL in {0} is down; restarting it in {1} ms",
                    database.dataDirectory(), backoff.toMillis());
            schedule(backoff);
            return;
        }
        try {
            database.restartAfterCrash();
            restarts.increment();
            up = true;
            LOG.log(Level.WARNING, "the embedded PostgreSQL in {0} runs again", database.dataDirectory());
            schedule(CHECK_INTERVAL);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            LOG.log(Level.WARNING, "the embedded PostgreSQL in {0} did not start ({1}); next attempt in {2} ms",
                    database.dataDirectory(), rootMessage(e), backoff.toMillis());
            schedule(backoff);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return e == cause ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + cause.getMessage();
    }

    /** Stops watching, before the server is stopped on purpose; waits for a restart in progress to finish. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
