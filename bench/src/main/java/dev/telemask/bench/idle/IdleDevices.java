package dev.telemask.bench.idle;

import dev.telemask.codec.Imei;
import dev.telemask.codec.TcpAvlCodec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The child JVM of {@link IdleConnectionsBenchmark}: opens N connections to PORT as devices IMEI_BASE.., each sending
 * its handshake and reading the answer, prints {@code accepted K}, then holds them silent until its standard input
 * closes. Arguments: PORT IMEI_BASE N.
 */
public final class IdleDevices {
    private static final int CONNECTING_THREADS = 8;

    private IdleDevices() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long imeiBase = Long.parseLong(args[1]);
        int n = Integer.parseInt(args[2]);
        List<Socket> sockets = java.util.Collections.synchronizedList(new ArrayList<>(n));
        AtomicInteger accepted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTING_THREADS);
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < CONNECTING_THREADS; t++) {
            int first = t;
            work.add(pool.submit(() -> {
                for (int i = first; i < n; i += CONNECTING_THREADS) {
                    try {
                        Socket socket = new Socket();
                        socket.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
                        socket.setSoTimeout(60_000);
                        byte[] imei = Imei.format(imeiBase + i).getBytes(StandardCharsets.US_ASCII);
                        byte[] handshake = new byte[2 + imei.length];
                        handshake[1] = (byte) imei.length;
                        System.arraycopy(imei, 0, handshake, 2, imei.length);
                        socket.getOutputStream().write(handshake);
                        InputStream in = socket.getInputStream();
                        if (TcpAvlCodec.isAccepted(in.read())) {
                            accepted.incrementAndGet();
                        }
                        sockets.add(socket);
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
        pool.shutdown();
        System.out.println("accepted " + accepted.get());
        System.out.flush();
        while (System.in.read() >= 0) {
            // hold the connections until the parent closes our input
        }
        for (Socket s : sockets) {
            s.close();
        }
    }
}
