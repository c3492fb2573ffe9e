package dev.telemask.storage;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL server the gateway runs itself (zonky's embedded binaries) when no database is configured. Its data
 * stays in one directory across restarts; it listens on 127.0.0.1 only.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private final Path dataDirectory;
    private final int port;
    /** True when another process runs the server on this directory and this one only connects to it. */
    private final boolean attached;
    private EmbeddedPostgres server;

    private EmbeddedDatabase(Path dataDirectory, int port, boolean attached) {
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.attached = attached;
    }

    /**
     * Starts the server on a free port, creating the data directory on first use; or, when a live server already
     * runs on this directory (a {@code ./telemask serve} while {@code ./telemask token} runs), connects to that one
     * and leaves it running on close.
     */
    public static EmbeddedDatabase start(Path dataDirectory) {
        Path directory = dataDirectory.toAbsolutePath();
        int running = runningServerPort(directory);
        if (running > 0) {
            return new EmbeddedDatabase(directory, running, true);
        }
        EmbeddedDatabase database = new EmbeddedDatabase(directory, freePort(), false);
        database.startServer();
        return database;
    }

    /**
     * The port of the server whose {@code postmaster.pid} is in {@code directory} and whose process is alive, else
     * -1. The file's first line is the postmaster's PID, its fourth the port.
     */
    static int runningServerPort(Path directory) {
        Path pidFile = directory.resolve("postmaster.pid");
        try {
            if (!Files.isRegularFile(pidFile)) {
                return -1;
            }
            java.util.List<String> lines = Files.readAllLines(pidFile);
            if (lines.size() < 4) {
                return -1;
            }
            long pid = Long.parseLong(lines.get(0).trim());
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return alive ? Integer.parseInt(lines.get(3).trim()) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** JDBC URL of the {@code postgres} database, user {@code postgres}. */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Stops the server (fast shutdown: sessions are cut) and starts it again on the same port and data. */
    public synchronized void restart() {
        if (attached) {
            throw new IllegalStateException("the embedded PostgreSQL in " + dataDirectory + " belongs to another process");
        }
        stopServer();
        startServer();
    }

    @Override
    public synchronized void close() {
        if (!attached) {
            stopServer();
        }
    }

    private synchronized void startServer() {
        try {
            Files.createDirectories(dataDirectory);
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDirectory
                    + " (is another Telemask using it?)", e);
        }
    }

    private void stopServer() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stop the embedded PostgreSQL in " + dataDirectory, e);
            } finally {
                server = null;
            }
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port for the embedded PostgreSQL", e);
        }
    }
}
