package dev.telemask.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.gateway.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

/**
 * {@link AcknowledgedThroughDatabaseKills} on the embedded PostgreSQL, whose postmaster and children are SIGKILLed
 * together: the gateway's supervisor restarts it, readiness says 503 while it is down and 200 once it is back, and a
 * metric counts the restarts.
 */
class EmbeddedDatabaseKillIT extends AcknowledgedThroughDatabaseKills {
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }

    @Override
    protected void killDatabase() throws Exception {
        long pid = Long.parseLong(Files.readAllLines(embeddedDataDirectory().resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        List<ProcessHandle> children = postmaster.children().toList();
        assertFalse(children.isEmpty(), "a running PostgreSQL has background processes");
        postmaster.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /** Kills after which readiness was seen answering 503 while the server was down. */
    private int downSeen;

    @Override
    protected void afterKill(int kill) {
        // The supervisor waits half a second before its first restart attempt: a down state to see, unless a loaded
        // machine answers the probes around it; the restart itself must always happen.
        boolean[] down = {false};
        Eventually.holds(() -> {
            down[0] |= ready() == 503;
            return restarts() >= kill;
        }, WITHIN, () -> "no restart after kill " + kill);
        if (down[0]) {
            downSeen++;
        }
        Eventually.holds(() -> ready() == 200, WITHIN, () -> "readiness not back to 200 after kill " + kill);
    }

    @Override
    protected void afterAllKills(int kills) {
        assertEquals(kills, restarts(), "one restart per kill");
        assertTrue(downSeen > 0, "readiness answered 503 while the database was down, after at least one kill");
    }

    private long restarts() {
        return (long) gateway.registry().get("telemask.storage.embedded.restarts").counter().count();
    }

    private int ready() {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort()
                    + "/health/ready")).timeout(Duration.ofSeconds(10)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new AssertionError("no answer from /health/ready", e);
        }
    }
}
