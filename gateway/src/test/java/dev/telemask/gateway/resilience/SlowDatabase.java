package dev.telemask.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.gateway.GatewayTestBase;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A database that stops taking rows for seconds (a held table lock) under devices that send without waiting: the
 * tiny writer queue fills, the gateway stops reading sockets instead of buffering, acknowledges nothing it has not
 * committed, and once the lock goes, drains and acknowledges every frame.
 */
abstract class SlowDatabase extends GatewayTestBase.ForOtherPackages {
    private static final int QUEUE_RECORDS = 20;
    private static final int DEVICES = 20;
    private static final int FRAMES = 30;
    private static final int RECORDS_PER_FRAME = 5;
    /** How often the gateway's holdings are sampled while the lock is held. */
    private static final int SAMPLES = 100;

    @Override
    protected Map<String, String> gatewayConfiguration() {
        return Map.of("writer.queue-records", String.valueOf(QUEUE_RECORDS));
    }

    @Test
    void aFullQueuePausesSocketsAndDrainsAfterwards() throws Exception {
        MeterRegistry meters = gateway.registry();
        double pausesBefore = meters.counter("telemask.backpressure.pauses").count();
        double framesBefore = framesDecoded(meters);
        List<PipelinedDevice> devices = new ArrayList<>();
        try (Connection lock = gateway.dataSource().getConnection()) {
            lock.setAutoCommit(false);
            try (Statement st = lock.createStatement()) {
                st.execute("LOCK TABLE positions IN ACCESS EXCLUSIVE MODE");
            }
            for (int i = 0; i < DEVICES; i++) {
                devices.add(PipelinedDevice.run(gateway.devicePort(), device(officePolicy), FRAMES, RECORDS_PER_FRAME, T0));
            }
            Eventually.holds(() -> meters.counter("telemask.backpressure.pauses").count() > pausesBefore,
                    Duration.ofSeconds(30), () -> "no socket was paused");
            for (int s = 0; s < SAMPLES; s++) {
                double queued = meters.get("telemask.storage.writer.queue.records").gauge().value();
                assertTrue(queued <= QUEUE_RECORDS, "the writer holds " + queued + " records, beyond its limit");
                // What was decoded is in the queue or parked (one frame per session); the rest waits in the sockets.
                double decoded = framesDecoded(meters) - framesBefore;
                assertTrue(decoded <= QUEUE_RECORDS / RECORDS_PER_FRAME + DEVICES,
                        decoded + " frames taken in while nothing can be written");
                assertEquals(0, devices.stream().mapToInt(PipelinedDevice::acknowledgedFrames).sum(), "acknowledged before commit");
                Thread.sleep(20); // sampling period while the lock is held, not synchronisation
            }
            lock.rollback();
        }
        Map<Long, Set<Long>> sent = new TreeMap<>();
        for (PipelinedDevice device : devices) {
            device.done().get(120, TimeUnit.SECONDS);
            assertEquals(FRAMES, device.acknowledgedFrames());
            sent.put(device.imei(), device.timestamps());
        }
        StoredRecords stored = StoredRecords.of(gateway.dataSource(), sent.keySet());
        stored.assertExactlyOnce(sent, sent);
        assertEquals((long) DEVICES * FRAMES * RECORDS_PER_FRAME, stored.rows());
    }

    private static double framesDecoded(MeterRegistry meters) {
        return meters.find("telemask.frames").functionCounters().stream().mapToDouble(c -> c.count()).sum();
    }
}
