package dev.telemask.bench.idle;

import dev.telemask.codec.TcpAvlCodec;
import dev.telemask.simulator.DeviceClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** N devices connected to a gateway, each accepted at handshake and then silent, until closed. */
final class IdleDevices implements AutoCloseable {
    private static final int CONNECTING_THREADS = 8;

    private final List<DeviceClient> clients;
    private final int accepted;

    private IdleDevices(List<DeviceClient> clients, int accepted) {
        this.clients = clients;
        this.accepted = accepted;
    }

    /** Connects devices {@code imeiBase ..} to {@code port} on 127.0.0.1, {@value #CONNECTING_THREADS} at a time. */
    static IdleDevices connect(int port, long imeiBase, int n) throws Exception {
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
