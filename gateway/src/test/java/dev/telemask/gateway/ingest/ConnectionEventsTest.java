package dev.telemask.gateway.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.storage.ConnectionEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The online and offline events' queue: order, batches, a database away or refusing, a full queue, shutdown. */
class ConnectionEventsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** Every list the sink was handed and wrote, in order (IMEIs). */
    private final List<List<Long>> writes = new CopyOnWriteArrayList<>();
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    /** Counted down when the sink is first called; the first call then waits for {@link #release}. */
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    private static List<Long> imeis(List<ConnectionEvent> events) {
        return events.stream().map(ConnectionEvent::imei).toList();
    }

    /** A sink whose first call waits for {@link #release}: events queue up behind it meanwhile. */
    private ConnectionEvents heldAtFirstWrite(int capacity) {
        return heldAtFirstWriteThen(batch -> writes.add(imeis(batch)), capacity);
    }

    private double counted(String name, String... tags) {
        return registry.get(name).tags(tags).counter().count();
    }

    @Test
    void eventsQueuedDuringAWriteGoInOrderManyATransaction() throws Exception {
        ConnectionEvents events = heldAtFirstWrite(ConnectionEvents.CAPACITY);
        events.online(1, 1000);
        entered.await();
        for (long imei = 2; imei <= 601; imei++) {
            events.offline(imei, 2000, 1000);
        }
        assertEquals(600, events.queued());
        release.countDown();
        events.close(TIMEOUT);

        assertEquals(List.of(List.of(1L), LongStream.rangeClosed(2, 501).boxed().toList(),
                LongStream.rangeClosed(502, 601).boxed().toList()), writes, "one event, then batches of 500");
        assertEquals(601, counted("telemask.connection.events.written"));
        assertEquals(0, events.queued());
    }

    @Test
    void whileTheDatabaseIsAwayTheSameEventsAreRetriedWithAGrowingPause() throws Exception {
        int[] failures = {3};
        ConnectionEvents events = ConnectionEvents.start(batch -> {
            if (failures[0]-- > 0) {
                throw new SQLTransientConnectionException("pool timeout");
            }
            writes.add(imeis(batch));
        }, registry, 10, pauses::add);
        events.online(7, 1000);
        events.close(TIMEOUT);

        assertEquals(List.of(List.of(7L)), writes, "written once, after the failures");
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2)), pauses);
        assertEquals(0, counted("telemask.connection.events.dropped", "reason", "refused"));
    }

    @Test
    void anEventTheDatabaseRefusesCostsOnlyItself() throws Exception {
        List<List<Long>> attempts = new ArrayList<>();
        ConnectionEvents events = heldAtFirstWriteThen(batch -> {
            attempts.add(imeis(batch));
            if (imeis(batch).contains(2L)) {
                throw new SQLException("value out of range", "22003");
            }
            writes.add(imeis(batch));
        }, ConnectionEvents.CAPACITY);
        events.online(0, 1000);
        entered.await();
        events.online(1, 1000);
        events.online(2, 1000);
        events.online(3, 1000);
        release.countDown();
        events.close(TIMEOUT);

        assertEquals(List.of(List.of(0L), List.of(1L), List.of(3L)), writes);
        assertEquals(List.of(List.of(1L, 2L, 3L), List.of(1L), List.of(2L), List.of(3L)), attempts.subList(1, 5));
        assertEquals(1, counted("telemask.connection.events.dropped", "reason", "refused"));
        assertEquals(3, counted("telemask.connection.events.written"));
        assertTrue(pauses.isEmpty(), "a refusal is not retried");
    }

    /** Held at the first write as {@link #heldAtFirstWrite}, then {@code sink} for every write. */
    private ConnectionEvents heldAtFirstWriteThen(ConnectionEvents.Sink sink, int capacity) {
        boolean[] first = {true};
        return ConnectionEvents.start(batch -> {
            if (first[0]) {
                first[0] = false;
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            sink.write(batch);
        }, registry, capacity, pauses::add);
    }

    @Test
    void aFullQueueDropsAndCountsWithoutHoldingTheCaller() throws Exception {
        ConnectionEvents events = heldAtFirstWrite(2);
        events.online(1, 1000);
        entered.await();
        events.online(2, 1000);
        events.online(3, 1000);
        events.online(4, 1000); // the queue holds two: these two find it full, and the event loop goes on
        events.offline(5, 2000, 1000);
        release.countDown();
        events.close(TIMEOUT);

        assertEquals(List.of(List.of(1L), List.of(2L, 3L)), writes);
        assertEquals(2, counted("telemask.connection.events.dropped", "reason", "queue_full"));
        assertEquals(3, counted("telemask.connection.events.written"));
    }

    @Test
    void theDatabaseAwayAtShutdownCostsTheQueuedEventsAfterTheTimeoutAndNoMore() throws Exception {
        ConnectionEvents events = ConnectionEvents.start(batch -> {
            throw new SQLTransientConnectionException("no database");
        }, registry, 10, duration -> new CountDownLatch(1).await()); // a pause that ends only when interrupted
        events.online(1, 1000);
        events.close(Duration.ofMillis(1));
        assertFalse(writes.contains(List.of(1L)));
        assertEquals(0, counted("telemask.connection.events.written"));
    }

    @Test
    void onlyTheDatabasesStateIsRetried() {
        assertTrue(ConnectionEvents.transient_(new SQLException("connection refused", "08001")));
        assertTrue(ConnectionEvents.transient_(new SQLException("too many connections", "53300")));
        assertTrue(ConnectionEvents.transient_(new SQLException("shutting down", "57P01")));
        assertTrue(ConnectionEvents.transient_(new SQLException("deadlock", "40P01")));
        assertTrue(ConnectionEvents.transient_(new SQLTransientConnectionException("pool timeout")));
        assertFalse(ConnectionEvents.transient_(new SQLException("value out of range", "22003")));
        assertFalse(ConnectionEvents.transient_(new SQLException("no state")));
    }
}
