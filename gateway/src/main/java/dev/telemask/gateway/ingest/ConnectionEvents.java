package dev.telemask.gateway.ingest;

import dev.telemask.storage.ConnectionEventWriter;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/** Records devices coming online and going offline, off the event loops; a failure costs the event, nothing else. */
final class ConnectionEvents {
    private static final Logger LOG = System.getLogger(ConnectionEvents.class.getName());
    /** Records nothing (tests). */
    static final ConnectionEvents NONE = new ConnectionEvents(null, null);

    private final ConnectionEventWriter writer;
    private final Executor executor;

    ConnectionEvents(ConnectionEventWriter writer, Executor executor) {
        this.writer = writer;
        this.executor = executor;
    }

    void online(long imei, long atMillis) {
        run(imei, () -> writer.online(imei, atMillis));
    }

    void offline(long imei, long atMillis, long onlineAtMillis) {
        run(imei, () -> writer.offline(imei, atMillis, onlineAtMillis));
    }

    private interface Write {
        void run() throws Exception;
    }

    private void run(long imei, Write write) {
        if (writer == null) {
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    write.run();
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "device {0}: connection event not stored ({1})", imei, e.toString());
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.log(Level.WARNING, "device {0}: connection event not stored (database threads busy)", imei);
        }
    }
}
