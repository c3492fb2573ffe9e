package dev.telemask.gateway.ingest;

import dev.telemask.storage.ConnectionEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records devices coming online and going offline, off the event loops: the sessions queue the events, one thread of
 * its own writes them in order, many a transaction, so that a storm of reconnections (every device of an instance
 * that restarted) is written in a few dozen transactions and does not wait behind, or hold up, the device
 * look-ups of the handshakes. The queue is bounded; an event that finds it full, or that the database refuses for
 * itself, is dropped and counted ({@code telemask.connection.events.dropped}), with at most one log line a minute.
 * While the database cannot be reached the thread retries the same events, backing off up to
 * {@link #MAX_BACKOFF}. Any thread may queue.
 */
final class ConnectionEvents implements AutoCloseable {
    /** Writes a list of events in order, all or none (the storage's {@code ConnectionEventWriter}). */
    @FunctionalInterface
    interface Sink {
        void write(List<ConnectionEvent> events) throws SQLException;
    }

    /** Waits between attempts; a test's returns at once. */
    @FunctionalInterface
    interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    private static final Logger LOG = System.getLogger(ConnectionEvents.class.getName());
    /** Records nothing (tests). */
    static final ConnectionEvents NONE = new ConnectionEvents();
    /** Events queued at most: two per connection of a full instance's worth of reconnections, a few MB. */
    static final int CAPACITY = 200_000;
    /** Events a transaction at most. */
    static final int BATCH = 500;
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final BlockingQueue<ConnectionEvent> queue;
    private final Sink sink;
    private final Pause pause;
    private final Thread thread;
    private final Counter written;
    private final Counter droppedFull;
    private final Counter droppedRefused;
    /** When the last line about dropped events was written ({@link Long#MIN_VALUE}: never), and drops since. */
    private final AtomicLong lastDropLine = new AtomicLong(Long.MIN_VALUE);
    private final AtomicInteger unloggedDrops = new AtomicInteger();
    private volatile boolean closing;
    /** Events taken from the queue and not yet written. */
    private volatile int writing;

    private ConnectionEvents() {
        queue = null;
        sink = null;
        pause = null;
        thread = null;
        written = null;
        droppedFull = null;
        droppedRefused = null;
    }

    /** Starts the writing thread. */
    static ConnectionEvents start(Sink sink, MeterRegistry registry) {
        return start(sink, registry, CAPACITY, duration -> Thread.sleep(duration.toMillis()));
    }

    static ConnectionEvents start(Sink sink, MeterRegistry registry, int capacity, Pause pause) {
        ConnectionEvents events = new ConnectionEvents(sink, registry, capacity, pause);
        events.thread.start();
        return events;
    }

    private ConnectionEvents(Sink sink, MeterRegistry registry, int capacity, Pause pause) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sink = sink;
        this.pause = pause;
        this.thread = new Thread(this::run, "telemask-connection-events");
        thread.setDaemon(true);
        Gauge.builder("telemask.connection.events.queued", queue, BlockingQueue::size)
                .description("Online and offline events waiting to be written").register(registry);
        written = Counter.builder("telemask.connection.events.written")
                .description("Online and offline events written (told, or found hidden by the device's switches)")
                .register(registry);
        droppedFull = dropped(registry, "queue_full");
        droppedRefused = dropped(registry, "refused");
    }

    private static Counter dropped(MeterRegistry registry, String reason) {
        return Counter.builder("telemask.connection.events.dropped").tag("reason", reason)
                .description("Online and offline events not written: the queue was full, or the database refused"
                        + " the event itself").register(registry);
    }

    void online(long imei, long atMillis) {
        offer(ConnectionEvent.online(imei, atMillis));
    }

    void offline(long imei, long atMillis, long onlineAtMillis) {
        offer(ConnectionEvent.offline(imei, atMillis, onlineAtMillis));
    }

    private void offer(ConnectionEvent event) {
        if (queue == null) {
            return;
        }
        if (!queue.offer(event)) {
            droppedFull.increment();
            logDropped(event);
        }
    }

    /** At most a line a minute, however many event loops drop events at once. */
    private void logDropped(ConnectionEvent event) {
        long now = System.nanoTime();
        long last = lastDropLine.get();
        if ((last != Long.MIN_VALUE && now - last < RefusalLog.INTERVAL.toNanos())
                || !lastDropLine.compareAndSet(last, now)) {
            unloggedDrops.incrementAndGet();
            return;
        }
        LOG.log(Level.WARNING, "device {0}: connection event not stored, the queue is full ({1} more dropped since"
                + " the last line)", event.imei(), unloggedDrops.getAndSet(0));
    }

    /** Events queued and not yet written. */
    int queued() {
        return queue == null ? 0 : queue.size();
    }

    private void run() {
        List<ConnectionEvent> batch = new ArrayList<>(BATCH);
        try {
            while (!closing || !queue.isEmpty()) {
                ConnectionEvent first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                writing = batch.size();
                store(batch);
                writing = 0;
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes the batch, retrying while the database is away; drops only what the database refuses for itself. */
    private void store(List<ConnectionEvent> batch) throws InterruptedException {
        Duration backoff = FIRST_BACKOFF;
        boolean failing = false;
        while (true) {
            try {
                sink.write(batch);
                written.increment(batch.size());
                if (failing) {
                    LOG.log(Level.INFO, "connection events are written again");
                }
                return;
            } catch (SQLException e) {
                if (!transient_(e)) {
                    storeOneByOne(batch);
                    return;
                }
                if (!failing) {
                    LOG.log(Level.WARNING, "connection events not written, retrying: {0}", e.toString());
                    failing = true;
                }
                pause.pause(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** The batch failed for something in it: each event alone, so that one refused event costs only itself. */
    private void storeOneByOne(List<ConnectionEvent> batch) throws InterruptedException {
        for (ConnectionEvent event : batch) {
            try {
                sink.write(List.of(event));
                written.increment();
            } catch (SQLException e) {
                if (transient_(e)) {
                    store(List.of(event));
                    continue;
                }
                droppedRefused.increment();
                LOG.log(Level.WARNING, "device {0}: connection event refused by the database: {1}", event.imei(),
                        e.toString());
            }
        }
    }

    /**
     * Whether the failure is the database's state, not the events': no connection (SQLSTATE class 08, or the pool's
     * timeout), the server short of resources (53) or shutting down (57), a serialization failure or deadlock (40).
     */
    static boolean transient_(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e.getSQLState();
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
                || state.startsWith("40"));
    }

    /**
     * Writes what is queued, and what is queued meanwhile, waiting at most {@code timeout}; the thread is interrupted
     * if it has not finished by then, and what it had not written is lost (a line says how much).
     */
    void close(Duration timeout) throws InterruptedException {
        if (thread == null) {
            return;
        }
        closing = true;
        thread.join(Math.max(1, timeout.toMillis()));
        if (thread.isAlive()) {
            thread.interrupt();
            LOG.log(Level.WARNING, "{0} connection events not written at shutdown", queue.size() + writing);
        }
    }

    @Override
    public void close() throws InterruptedException {
        close(MAX_BACKOFF);
    }
}
