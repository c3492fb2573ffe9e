package dev.telemask.bench.idle;

import dev.telemask.bench.load.GatewayJvm;
import dev.telemask.bench.load.LoadDatabase;
import dev.telemask.storage.EmbeddedDatabase;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code telemask bench idle-connections [N] [--frames K]}: heap per idle device connection. Starts an embedded
 * PostgreSQL with N registered devices and the packaged gateway in its own JVM on it (no per-address limit: every
 * device comes from 127.0.0.1); then N connections from this JVM each send the handshake, get it accepted, send K
 * frames of five records (none by default) and stay silent. The gateway's heap after full collections, before and
 * with the N connections, gives the bytes per connection: the devices' sockets, the database and this JVM do not
 * count. With frames sent, what a device that has been active keeps between its frames shows too.
 */
public final class IdleConnectionsBenchmark {
    private static final long IMEI_BASE = 352_000_000_000_000L;
    private static final String GATEWAY_HEAP = "1g";

    private IdleConnectionsBenchmark() {}

    /**
     * Measures {@code n} connections to the gateway of {@code gatewayJar}, idle after {@code frames} frames each;
     * prints the heap per connection.
     */
    public static void run(int n, int frames, Path gatewayJar, PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("telemask-idle");
        try (EmbeddedDatabase database = EmbeddedDatabase.start(dir.resolve("postgres"));
             GatewayJvm gateway = GatewayJvm.start(gatewayJar, GATEWAY_HEAP, null, n + 100, database.jdbcUrl(), dir)) {
            LoadDatabase.registerDevices(database.jdbcUrl(), IMEI_BASE, n, null, null);
            double before = gateway.heapUsedBytesAfterGc();
            try (IdleDevices devices = IdleDevices.connect(gateway.devicePort(), IMEI_BASE, n, frames)) {
                double with = gateway.heapUsedBytesAfterGc();
                out.printf("idle connections: %,d accepted of %,d, each after %,d frames of five records%n",
                        devices.accepted(), n, frames);
                out.printf("gateway heap used after GC: %,.0f bytes before, %,.0f bytes with them%n", before, with);
                out.printf("heap per idle connection: %,.0f bytes%n",
                        (with - before) / Math.max(1, devices.accepted()));
            }
        } finally {
            deleteTree(dir); // the embedded database of 10,000 devices is half a gigabyte
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
