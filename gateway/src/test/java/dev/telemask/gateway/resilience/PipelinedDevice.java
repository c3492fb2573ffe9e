package dev.telemask.gateway.resilience;

import dev.telemask.codec.AvlBatch;
import dev.telemask.simulator.DeviceClient;
import dev.telemask.gateway.Drives;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device that sends all its frames back to back without waiting for ACKs (the gateway's reading pace, not the
 * device's, then limits the flow), and reads the ACKs on a second thread.
 */
final class PipelinedDevice {
    private final long imei;
    private final Set<Long> timestamps = new HashSet<>();
    private final AtomicInteger acknowledgedFrames = new AtomicInteger();
    private final CompletableFuture<PipelinedDevice> done = new CompletableFuture<>();

    private PipelinedDevice(long imei) {
        this.imei = imei;
    }

    /**
     * Connects (the handshake must be accepted), sends {@code frames} frames of {@code recordsPerFrame} records from
     * {@code firstRecordMillis}; {@link #done} completes once every one is acknowledged with its count, in order.
     */
    static PipelinedDevice run(int port, long imei, int frames, int recordsPerFrame,
                                                  long firstRecordMillis) {
        PipelinedDevice device = new PipelinedDevice(imei);
        Thread.ofVirtual().name("pipelined-" + imei).start(() -> {
            try (DeviceClient client = new DeviceClient(port)) {
                if (client.handshake(imei) != 1) {
                    throw new AssertionError("device " + imei + " refused");
                }
                Thread writer = Thread.ofVirtual().start(() -> device.sendAll(client, frames, recordsPerFrame,
                        firstRecordMillis));
                for (int f = 0; f < frames; f++) {
                    int ack = client.readAck();
                    if (ack != recordsPerFrame) {
                        throw new AssertionError("device " + imei + ": ACK " + ack + " for a frame of " + recordsPerFrame);
                    }
                    device.acknowledgedFrames.incrementAndGet();
                }
                writer.join();
                device.done.complete(device);
            } catch (Throwable e) {
                device.done.completeExceptionally(e);
            }
        });
        return device;
    }

    private void sendAll(DeviceClient client, int frames, int recordsPerFrame, long firstRecordMillis) {
        try {
            for (int f = 0; f < frames; f++) {
                AvlBatch batch = Drives.driving(firstRecordMillis + f * recordsPerFrame * 60_000L, recordsPerFrame);
                synchronized (timestamps) {
                    for (int r = 0; r < batch.size(); r++) {
                        timestamps.add(batch.timestamp(r));
                    }
                }
                client.sendFrame(batch);
            }
        } catch (IOException e) {
            throw new AssertionError("device " + imei + " could not send", e);
        }
    }

    CompletableFuture<PipelinedDevice> done() {
        return done;
    }

    long imei() {
        return imei;
    }

    int acknowledgedFrames() {
        return acknowledgedFrames.get();
    }

    /** The timestamps of every record sent, all of them acknowledged once {@link #done} has completed. */
    Set<Long> timestamps() {
        synchronized (timestamps) {
            return Set.copyOf(timestamps);
        }
    }
}
