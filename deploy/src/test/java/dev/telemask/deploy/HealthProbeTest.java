package dev.telemask.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The container health check's probe: the status it reads, and no answer as -1. */
class HealthProbeTest {
    @Test
    void readsTheStatusOfTheReadinessEndpoint() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/health/ready", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/health/down", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            assertEquals(200, HealthProbe.status(base + "/health/ready"));
            assertEquals(503, HealthProbe.status(base + "/health/down"));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void noAnswerIsMinusOne() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        assertEquals(-1, HealthProbe.status("http://127.0.0.1:" + closedPort + "/health/ready"));
    }
}
