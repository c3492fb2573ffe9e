package dev.telemask.gateway.ingest;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Where sessions wait whose batch the writer refused because its queue was full: they stop reading their socket,
 * and when the writer reports free capacity (this is its {@code capacityFreed} callback) each one tries again on
 * its own event loop. A session waits here at most once at a time, however long the writer stays full.
 */
final class WriterGate implements Runnable {
    private final Queue<DeviceSession> waiting = new ConcurrentLinkedQueue<>();

    void park(DeviceSession session) {
        waiting.add(session);
    }

    /** Called by a writer thread; only hands work to the sessions' event loops. */
    @Override
    public void run() {
        DeviceSession session;
        while ((session = waiting.poll()) != null) {
            session.atGate.set(false);
            session.retryOffer();
        }
    }
}
