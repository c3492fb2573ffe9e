package dev.telemask.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One live stream's bounds: a client that stops reading is cut, one that hangs up ends its stream. */
class LiveClientTest {
    private static final Caller VIEWER = new Caller(1, "viewer", 1, Role.VIEWER, null);
    private static final int BOUND = 4 * 1024;

    private Vertx vertx;
    private HttpServer server;
    private final CompletableFuture<LiveClient> opened = new CompletableFuture<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> {
            LiveClient client = new LiveClient(request.response(), vertx.getOrCreateContext(), VIEWER, "tmk_x", BOUND);
            client.open();
            opened.complete(client);
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aClientThatStopsReadingIsCutInsteadOfBuffered() throws Exception {
        try (Socket socket = request()) {
            LiveClient client = opened.get(10, TimeUnit.SECONDS);
            String event = "event: position\ndata: " + "x".repeat(1_000) + "\n\n";
            // Bounded: 64 MB is far beyond the socket buffers, so the bound must have been met long before.
            for (int i = 0; i < 64_000 && !client.ended().isDone(); i++) {
                client.send(event);
            }
            assertEquals(LiveClient.End.SLOW_CONSUMER, client.ended().get(10, TimeUnit.SECONDS));
            assertFalse(client.send(event), "nothing more is taken for a cut client");
            assertTrue(readsToTheEnd(socket.getInputStream()), "the connection is cut, not left open");
        }
    }

    @Test
    void aClientThatHangsUpEndsItsStream() throws Exception {
        Socket socket = request();
        LiveClient client = opened.get(10, TimeUnit.SECONDS);
        assertTrue(client.send(": heartbeat\n\n"));
        socket.close();
        assertEquals(LiveClient.End.CLIENT_CLOSED, client.ended().get(10, TimeUnit.SECONDS));
    }

    private Socket request() throws Exception {
        Socket socket = new Socket("127.0.0.1", server.actualPort());
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout(10_000); // a read that would hang fails the test instead
        OutputStream out = socket.getOutputStream();
        out.write("GET /api/v1/fleet/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** Reads what the server had sent until the connection ends (EOF or reset), within the socket's timeout. */
    private static boolean readsToTheEnd(InputStream in) throws Exception {
        byte[] buffer = new byte[64 * 1024];
        try {
            while (in.read(buffer) >= 0) {
                // draining what was sent before the cut
            }
            return true;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }
}
