package dev.telemask.bench.idle;

import dev.telemask.codec.AvlBatch;
import dev.telemask.codec.TcpAvlCodec;
import dev.telemask.simulator.DeviceClient;
import dev.telemask.simulator.SimulatedVehicle;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N devices connected to a gateway, each accepted at handshake, then sending a number of frames (each waiting for its
 * acknowledgement) and then silent, until closed.
 */
final class IdleDevices implements AutoCloseable {
    private static final int CONNECTING_THREADS = 8;
    private static final int RECORDS_PER_FRAME = 5;

    private final List<DeviceClient> clients;
    private final int accepted;

    private IdleDevices(List<DeviceClient> clients, int accepted) {
        this.clients = clients;
        this.accepted = accepted;
    }

    /**
     * Connects devices {@code imeiBase ..} to {@code port} on 127.0.0.1, {@value #CONNECTING_THREADS} at a time; each
     * accepted one then sends {@code frames} frames of {@value #RECORDS_PER_FRAME} simulated records of two days ago.
     */
    static IdleDevices connect(int port, long imeiBase, int n, int frames) throws Exception {
        long startMillis = System.currentTimeMillis() - 2 * 86_400_000L;
        List<DeviceClient> clients = Collections.synchronizedList(new ArrayList<>(n));
        AtomicInteger accepted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTING_THREADS);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < CONNECTING_THREADS; t++) {
                int first = t;
                work.add(pool.submit(() -> {
                    for (int i = first; i < n; i += CONNECTING_THREADS) {
                        try {
                            DeviceClient client = new DeviceClient(port);
                            clients.add(client);
                            if (TcpAvlCodec.isAccepted(client.handshake(imeiBase + i))) {
                                accepted.incrementAndGet();
                                send(client, new SimulatedVehicle(1, imeiBase + i, startMillis), frames);
                            }
                        } catch (IOException e) {
                            System.err.println("device " + (imeiBase + i) + ": " + e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return new IdleDevices(clients, accepted.get());
    }

    private static void send(DeviceClient client, SimulatedVehicle vehicle, int frames) throws IOException {
        AvlBatch batch = new AvlBatch();
        for (int f = 0; f < frames; f++) {
            batch.clear();
            for (int r = 0; r < RECORDS_PER_FRAME; r++) {
                vehicle.appendRecord(batch);
            }
            client.sendFrame(batch);
            int acked = client.readAck();
            if (acked != RECORDS_PER_FRAME) {
                throw new IOException("frame " + f + " acknowledged with " + acked + " records");
            }
        }
    }

    int accepted() {
        return accepted;
    }

    @Override
    public void close() throws IOException {
        for (DeviceClient client : clients) {
            client.close();
        }
    }
}
