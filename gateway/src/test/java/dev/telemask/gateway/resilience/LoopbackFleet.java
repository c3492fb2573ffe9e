package dev.telemask.gateway.resilience;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.TcpAvlCodec;
import dev.telemask.simulator.DeviceClient;
import dev.telemask.gateway.Drives;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * Test devices that behave like real ones on a flaky link: each on its own virtual thread with a blocking socket,
 * sending a frame, waiting for its ACK, and on a missing ACK (timeout, dropped connection) reconnecting and sending
 * the same frame again. Records every record sent and every record acknowledged, per device, so a test can compare
 * them with the database. Not the simulator module's {@code FleetSimulator}: these tests need every record's fate per
 * device, a gateway that moves between ports, and ACKs lost on purpose, which a load generator does not keep or do.
 */
final class LoopbackFleet implements AutoCloseable {
    /** Pause between failed connection attempts: pacing of a device, not synchronisation of the test. */
    private static final long RECONNECT_PAUSE_MILLIS = 100;

    private final IntSupplier port;
    private final int recordsPerFrame;
    private final Duration ackTimeout;
    private final int loseAckEvery;
    private final Map<Long, Set<Long>> sent = new ConcurrentHashMap<>();
    private final Map<Long, Set<Long>> acknowledged = new ConcurrentHashMap<>();
    private final AtomicLong acknowledgedRecords = new AtomicLong();
    private final AtomicLong resentFrames = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private volatile boolean stopping;
    private volatile long giveUpAtNanos = Long.MAX_VALUE;

    /**
     * @param port            where the gateway listens now (asked at every connection)
     * @param recordsPerFrame records in each frame
     * @param ackTimeout      how long a device waits for an ACK before it reconnects and resends
     * @param loseAckEvery    every n-th frame the device drops its connection instead of reading the ACK, and
     *                        sends the frame again (0: never), as when a cellular link breaks at the wrong moment
     */
    LoopbackFleet(IntSupplier port, int recordsPerFrame, Duration ackTimeout, int loseAckEvery) {
        this.port = port;
        this.recordsPerFrame = recordsPerFrame;
        this.ackTimeout = ackTimeout;
        this.loseAckEvery = loseAckEvery;
    }

    /** Starts one device per IMEI, each with its own time line of records from {@code firstRecordMillis}. */
    LoopbackFleet start(List<Long> imeis, long firstRecordMillis) {
        for (long imei : imeis) {
            sent.put(imei, ConcurrentHashMap.newKeySet());
            acknowledged.put(imei, ConcurrentHashMap.newKeySet());
            threads.add(Thread.ofVirtual().name("device-" + imei).start(() -> {
                try {
                    drive(imei, firstRecordMillis);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        return this;
    }

    private void drive(long imei, long firstRecordMillis) {
        DeviceClient client = null;
        AvlBatch frame = null;
        long frames = 0;
        boolean firstSend = false;
        while (System.nanoTime() < giveUpAtNanos) {
            if (frame == null) {
                if (stopping) {
                    break;
                }
                frame = Drives.driving(firstRecordMillis + frames * recordsPerFrame * 60_000L, recordsPerFrame);
                frames++;
                firstSend = true;
                for (int r = 0; r < frame.size(); r++) {
                    sent.get(imei).add(frame.timestamp(r));
                }
            }
            try {
                if (client == null) {
                    client = connect(imei);
                    if (client == null) {
                        pause();
                        continue;
                    }
                }
                client.sendFrame(frame);
                boolean loseAck = firstSend && loseAckEvery > 0 && frames % loseAckEvery == 0;
                firstSend = false;
                if (loseAck) {
                    throw new IOException("link lost before the ACK (on purpose)");
                }
                int ack = client.readAck();
                if (ack != frame.size()) {
                    throw new AssertionError("device " + imei + ": ACK " + ack + " for a frame of " + frame.size());
                }
                for (int r = 0; r < frame.size(); r++) {
                    acknowledged.get(imei).add(frame.timestamp(r));
                }
                acknowledgedRecords.addAndGet(frame.size());
                frame = null;
            } catch (IOException e) {
                close(client);
                client = null;
                resentFrames.incrementAndGet();
            }
        }
        close(client);
    }

    private DeviceClient connect(long imei) {
        DeviceClient client = null;
        try {
            client = new DeviceClient(port.getAsInt());
            client.readTimeout(ackTimeout);
            if (client.handshake(imei) == TcpAvlCodec.HANDSHAKE_ACCEPTED) {
                return client;
            }
        } catch (IOException e) {
            // The gateway is away or refused the look-up: try again after a pause.
        }
        close(client);
        return null;
    }

    private static void close(DeviceClient client) {
        if (client != null) {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(RECONNECT_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records acknowledged so far, fleet-wide. */
    long acknowledgedRecords() {
        return acknowledgedRecords.get();
    }

    /** Frames sent again after a missing ACK. */
    long resentFrames() {
        return resentFrames.get();
    }

    /** Waits (bounded) until at least {@code records} records are acknowledged fleet-wide. */
    void awaitAcknowledged(long records, Duration within) {
        Eventually.holds(() -> acknowledgedRecords() >= records || !failures.isEmpty(), within,
                () -> "only " + acknowledgedRecords() + " of " + records + " records acknowledged");
        if (!failures.isEmpty()) {
            throw new AssertionError("a device failed", failures.peek());
        }
    }

    /**
     * Stops making new frames; each device goes on resending its last frame until it is acknowledged or
     * {@code within} has passed; then every device has stopped.
     */
    void stop(Duration within) throws InterruptedException {
        stopping = true;
        giveUpAtNanos = System.nanoTime() + within.toNanos();
        for (Thread thread : threads) {
            thread.join(within.plusSeconds(5).toMillis());
            if (thread.isAlive()) {
                throw new AssertionError(thread.getName() + " did not stop");
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("a device failed", failures.peek());
        }
    }

    /** Per device, the timestamps of every record sent at least once. */
    Map<Long, Set<Long>> sent() {
        return new TreeMap<>(sent);
    }

    /** Per device, the timestamps of every record acknowledged. */
    Map<Long, Set<Long>> acknowledged() {
        return new TreeMap<>(acknowledged);
    }

    /** Per device, the number of records acknowledged so far. */
    Map<Long, Integer> acknowledgedCounts() {
        Map<Long, Integer> counts = new TreeMap<>();
        acknowledged.forEach((imei, times) -> counts.put(imei, times.size()));
        return counts;
    }

    @Override
    public void close() throws InterruptedException {
        if (!stopping) {
            stop(Duration.ZERO);
        }
    }
}
