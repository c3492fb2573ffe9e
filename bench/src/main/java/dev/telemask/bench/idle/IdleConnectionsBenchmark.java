package dev.telemask.bench.idle;

import dev.telemask.gateway.Gateway;
import dev.telemask.gateway.config.ConfigLoader;
import dev.telemask.gateway.config.GatewayConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code telemask bench idle-connections [N]}: heap per idle device connection. Starts a gateway in this JVM on a
 * fresh embedded PostgreSQL (no per-address limit: every device comes from 127.0.0.1), registers N devices, and has a
 * child JVM ({@link IdleDevices}) open N connections that each send the handshake, get it accepted and then stay
 * silent. Heap used after full collections, before and with the N connections, gives the bytes per connection; the
 * devices' own sockets live in the child, so they do not count.
 */
public final class IdleConnectionsBenchmark {
    private static final long IMEI_BASE = 352_000_000_000_000L;

    private IdleConnectionsBenchmark() {}

    /** Measures {@code n} idle connections and prints the heap per connection on {@code out}. */
    public static void run(int n, PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("telemask-idle");
        Map<String, String> settings = new HashMap<>(Map.of(
                "device.host", "127.0.0.1", "device.port", "0", "device.udp-port", "0", "http.port", "-1",
                "device.max-connections-per-address", "0", "device.max-connections", String.valueOf(n + 100),
                "db.embedded-dir", dir.resolve("postgres").toString(),
                "seal.key", Base64.getEncoder().encodeToString(new byte[32])));
        GatewayConfig config = ConfigLoader.load(null, Map.of(), settings);
        try (Gateway gateway = Gateway.start(config)) {
            register(gateway, n);
            long before = heapAfterGc();
            Process devices = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), IdleDevices.class.getName(),
                    String.valueOf(gateway.devicePort()), String.valueOf(IMEI_BASE), String.valueOf(n))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(devices.getInputStream(), StandardCharsets.UTF_8))) {
                String line = reader.readLine();
                if (line == null || !line.startsWith("accepted ")) {
                    throw new IllegalStateException("the devices did not connect: " + line);
                }
                int accepted = Integer.parseInt(line.substring("accepted ".length()).trim());
                long with = heapAfterGc();
                out.printf("idle connections: %,d accepted of %,d%n", accepted, n);
                out.printf("heap used after GC: %,d bytes before, %,d bytes with them%n", before, with);
                out.printf("heap per idle connection: %,d bytes%n", (with - before) / Math.max(1, accepted));
                devices.getOutputStream().close(); // the devices disconnect and their JVM ends
                devices.waitFor();
            }
        }
    }

    private static void register(Gateway gateway, int n) throws Exception {
        try (Connection c = gateway.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO tenants (name) VALUES ('idle')");
            st.execute("INSERT INTO policies (tenant_id, name) SELECT id, 'open' FROM tenants WHERE name = 'idle'");
            st.execute("INSERT INTO policy_versions (policy_id, version, document, created_by) SELECT id, 1, '{\"version\": 1,"
                    + " \"consent\": {\"location\": true, \"driverIdentity\": true, \"telemetry\": true}}', 'idle'"
                    + " FROM policies WHERE name = 'open'");
            st.execute("INSERT INTO devices (imei, tenant_id, policy_id) SELECT " + IMEI_BASE + " + i, t.id, p.id"
                    + " FROM generate_series(0, " + (n - 1) + ") AS i, tenants t, policies p"
                    + " WHERE t.name = 'idle' AND p.name = 'open'");
        }
    }

    /** Heap used after full collections: the least of three, so that a collection still under way does not count. */
    private static long heapAfterGc() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200); // let concurrent cleanup (reference processing, Netty's cleaners) settle between runs
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
