package dev.telemask.storage;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.MDC;

/**
 * A PostgreSQL server the gateway runs itself (zonky's embedded binaries) when no database is configured. Its data
 * stays in one directory across restarts; it listens on 127.0.0.1 only; it is durable (fsync, synchronous commit and
 * full-page writes on), so that a commit, and the ACK sent after it, survives a crash or a power cut.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    /** The MDC key under which an expected failure is logged by a library; the gateway's logging drops it. */
    public static final String EXPECTED_FAILURE = "telemask.expected-failure";

    private static final java.time.Duration STARTUP_WAIT = java.time.Duration.ofSeconds(60);
    private final Path dataDirectory;
    private final int port;
    /** True when another process runs the server on this directory and this one only connects to it. */
    private final boolean attached;
    private EmbeddedPostgres server;
    private boolean closed;

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
            return isAlive(pid) ? Integer.parseInt(lines.get(3).trim()) : -1;
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
        closed = true;
        if (!attached) {
            stopServer();
        }
    }

    /** True when this process owns the server (it started it), false when it only connects to another's. */
    public boolean isOwned() {
        return !attached;
    }

    /** Whether the server's postmaster is alive; false once it died (killed, crashed) or was stopped. */
    public synchronized boolean isServerRunning() {
        long pid = postmasterPid();
        return pid > 0 && isAlive(pid);
    }

    /**
     * Starts the server again, on the same port and data, after its postmaster died: PostgreSQL replays its WAL, so
     * every committed transaction is back. Throws when it cannot start yet (e.g. an orphaned backend of the dead
     * server still holds its shared memory); the caller tries again later.
     */
    public synchronized void restartAfterCrash() {
        if (attached) {
            throw new IllegalStateException("the embedded PostgreSQL in " + dataDirectory + " belongs to another process");
        }
        if (closed) {
            throw new IllegalStateException("the embedded PostgreSQL in " + dataDirectory + " was closed");
        }
        if (isServerRunning()) {
            return;
        }
        removeStalePidFile();
        stopDeadServer();
        releaseZonkyLock();
        startServer();
    }

    /**
     * A postmaster killed without warning leaves its {@code postmaster.pid}; PostgreSQL removes it by itself only when
     * the PID is gone, and where nobody reaps orphans (some container inits) the dead postmaster lingers as a zombie
     * whose PID still answers. Its shared memory interlock still stops a second server while any old backend lives.
     */
    private void removeStalePidFile() {
        long pid = postmasterPid();
        if (pid > 0 && !isAlive(pid)) {
            try {
                Files.deleteIfExists(dataDirectory.resolve("postmaster.pid"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the stale postmaster.pid in " + dataDirectory, e);
            }
        }
    }

    /**
     * zonky locks {@code epg-lock} in the data directory while an instance lives, and an instance whose start failed
     * keeps that lock for good (its only reference is zonky's own shutdown hook). Within one JVM such a lock makes
     * every later start fail, so the owner, which knows no server runs, starts the next one on a fresh lock file;
     * PostgreSQL's own postmaster.pid still guards the data.
     */
    private void releaseZonkyLock() {
        try {
            Files.deleteIfExists(dataDirectory.resolve("epg-lock"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove zonky's lock file in " + dataDirectory, e);
        }
    }

    private long postmasterPid() {
        try {
            java.util.List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"));
            return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Alive and not a zombie: a killed process that nobody reaped yet is dead for PostgreSQL's purposes. */
    static boolean isAlive(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (Files.isReadable(Path.of("/proc/self/stat"))) {
            try {
                String line = Files.readString(stat);
                // The state is the first field after the command name in parentheses, which may contain spaces.
                char state = line.charAt(line.lastIndexOf(')') + 2);
                return state != 'Z' && state != 'X';
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private synchronized void startServer() {
        try {
            Files.createDirectories(dataDirectory);
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDirectory)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // TCP only: a Unix socket's lock file in /tmp, like postmaster.pid, outlives a killed server
                    // and would keep it from starting again while the dead PID lingers.
                    .setServerConfig("unix_socket_directories", "''")
                    // After a crash, startup replays the WAL (and syncs the data directory first): give it time.
                    .setPGStartupWait(STARTUP_WAIT)
                    // zonky's defaults are for throw-away test databases (fsync off through -F, synchronous_commit
                    // off); Telemask acknowledges a record only after its commit, so the commit must be on disk.
                    // The -c settings come after -F on the command line and win.
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDirectory
                    + " (is another Telemask using it?)", e);
        } catch (IllegalStateException e) {
            // The jar carries the binaries of the platform it was built on only, the container image none.
            throw new IllegalStateException("no embedded PostgreSQL for " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + " in this build: set db.url to a PostgreSQL or TimescaleDB"
                    + " database (" + e.getMessage() + ")", e);
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

    /**
     * zonky's close() runs {@code pg_ctl stop}, which fails on a dead server and is logged by zonky as an error with
     * a stack trace; what matters is that close() releases zonky's lock on the data directory, without which no new
     * server starts on it. That one expected failure is marked with the MDC key {@link #EXPECTED_FAILURE}, which the
     * gateway's logging drops (zonky logs through SLF4J on the calling thread).
     */
    private void stopDeadServer() {
        try (MDC.MDCCloseable expected = MDC.putCloseable(EXPECTED_FAILURE, "stop of a dead embedded PostgreSQL")) {
            stopServer();
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
