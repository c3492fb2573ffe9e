package dev.telemask.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The embedded PostgreSQL is durable, and its owner's supervisor brings it back, with every commit, after every
 * PostgreSQL process was killed at once (as by a power cut).
 */
class EmbeddedSupervisorIT {
    private static final Duration WITHIN = Duration.ofSeconds(60);

    private static Path directory(String name) {
        return Path.of(System.getProperty("telemask.test.dir", "target"), name + "-" + ProcessHandle.current().pid());
    }

    @Test
    void theServerSyncsEveryCommitToDisk() throws Exception {
        try (EmbeddedDatabase database = EmbeddedDatabase.start(directory("embedded-durable"))) {
            for (String setting : List.of("fsync", "synchronous_commit", "full_page_writes")) {
                assertEquals("on", show(database, setting), setting);
            }
        }
    }

    @Test
    void aKilledServerIsRestartedOnTheSamePortWithEveryCommit() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (EmbeddedDatabase database = EmbeddedDatabase.start(directory("embedded-supervised"));
             EmbeddedSupervisor supervisor = EmbeddedSupervisor.start(database, Duration.ofMillis(500),
                     Duration.ofSeconds(10), registry)) {
            execute(database, "CREATE TABLE committed (n int)");
            for (int kill = 1; kill <= 2; kill++) {
                execute(database, "INSERT INTO committed VALUES (" + kill + ")");
                killEveryServerProcess(database.dataDirectory());
                awaitTrue(() -> !supervisor.isUp(), "the supervisor saw the server die");
                awaitTrue(supervisor::isUp, "the supervisor restarted the server");
                assertTrue(database.isServerRunning());
                assertEquals(String.valueOf(kill), query(database, "SELECT count(*) FROM committed"),
                        "every commit made before the kill is there (same URL, so same port)");
                assertEquals(kill, registry.get("telemask.storage.embedded.restarts").counter().count());
            }
        }
    }

    @Test
    void aProcessThatAttachedToAnothersServerCannotSuperviseIt() {
        Path dir = directory("embedded-attached");
        try (EmbeddedDatabase owner = EmbeddedDatabase.start(dir);
             EmbeddedDatabase attached = EmbeddedDatabase.start(dir)) {
            assertTrue(owner.isOwned());
            assertFalse(attached.isOwned());
            assertThrows(IllegalArgumentException.class,
                    () -> EmbeddedSupervisor.start(attached, Duration.ofMillis(500), Duration.ofSeconds(1),
                            new SimpleMeterRegistry()));
            assertThrows(IllegalStateException.class, attached::restartAfterCrash);
        }
    }

    /** SIGKILL to the postmaster and each of its children at the same moment: none gets to clean up. */
    static void killEveryServerProcess(Path dataDirectory) throws Exception {
        long pid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> children = postmaster.children().toList();
        assertFalse(children.isEmpty(), "a running PostgreSQL has background processes");
        postmaster.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within " + WITHIN + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    private static String show(EmbeddedDatabase database, String setting) throws Exception {
        return query(database, "SHOW " + setting);
    }

    private static String query(EmbeddedDatabase database, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(database.jdbcUrl()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(EmbeddedDatabase database, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(database.jdbcUrl()); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
