package dev.telemask.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Registration against a stand-in of the fleet API's device endpoints, with its rules on tokens and fleets. */
class FleetRegistrationTest {
    private static final String TOKEN = "tm_admin";
    private static final long BASE = SimulatorOptions.DEFAULT_IMEI_BASE;
    private static final Pattern IMEI = Pattern.compile("\"imei\":\"(\\d+)\"");

    private final Set<Long> fleet = ConcurrentHashMap.newKeySet();
    private final Set<Long> otherFleet = ConcurrentHashMap.newKeySet();
    private final List<String> posts = new java.util.concurrent.CopyOnWriteArrayList<>();
    private HttpServer server;
    private URI api;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/devices", this::devices);
        server.start();
        api = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void devices(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            answer(exchange, 401, "{\"error\":\"unauthorized\"}");
        } else if (exchange.getRequestMethod().equals("GET")) {
            answer(exchange, 200, fleet.stream().map(imei -> "{\"imei\":\"" + imei + "\",\"label\":null}")
                    .collect(Collectors.joining(",", "{\"devices\":[", "]}")));
        } else {
            posts.add(body);
            Matcher imei = IMEI.matcher(body);
            long value = imei.find() ? Long.parseLong(imei.group(1)) : -1;
            if (otherFleet.contains(value) || fleet.contains(value)) {
                answer(exchange, 409, "{\"error\":\"conflict\"}"); // like the API: re-registering is refused
            } else {
                fleet.add(value);
                answer(exchange, 201, "{\"imei\":\"" + value + "\"}");
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void registersWhatTheFleetLacksAndRunningAgainChangesNothing() throws Exception {
        fleet.add(BASE + 1);
        FleetRegistration registration = new FleetRegistration(new RegistrationTarget(api, TOKEN));

        FleetRegistration.Outcome first = registration.register(BASE, 5);
        assertEquals(new FleetRegistration.Outcome(4, 1, List.of()), first);
        assertEquals("registered 4 devices (1 already were)", first.summary());
        assertEquals(Set.of(BASE, BASE + 1, BASE + 2, BASE + 3, BASE + 4), fleet);

        int postsBefore = posts.size();
        assertEquals(new FleetRegistration.Outcome(0, 5, List.of()), registration.register(BASE, 5));
        assertEquals(postsBefore, posts.size(), "devices of the fleet are not registered again (their label stays)");
    }

    @Test
    void devicesOfAnotherFleetAreReportedAndLeftAlone() throws Exception {
        otherFleet.add(BASE + 2);
        FleetRegistration.Outcome outcome = new FleetRegistration(new RegistrationTarget(api, TOKEN)).register(BASE, 3);

        assertEquals(new FleetRegistration.Outcome(2, 0, List.of(BASE + 2)), outcome);
        assertEquals("registered 2 devices (0 already were); 1 belong to another fleet and were left alone: "
                + (BASE + 2) + " (choose another --imei-base, or use that fleet's token)", outcome.summary());
    }

    @Test
    void anUnknownTokenSaysWhereTokensComeFrom() {
        FleetRegistration.RegistrationException e = assertThrows(FleetRegistration.RegistrationException.class,
                () -> new FleetRegistration(new RegistrationTarget(api, "tm_elsewhere")).register(BASE, 3));
        assertTrue(e.getMessage().contains("does not know this token (401)"), e.getMessage());
        assertTrue(e.getMessage().contains("same --config and working directory as ./telemask serve"), e.getMessage());
    }

    @Test
    void anUnreachableApiSaysSo() throws Exception {
        server.stop(0);
        FleetRegistration.RegistrationException e = assertThrows(FleetRegistration.RegistrationException.class,
                () -> new FleetRegistration(new RegistrationTarget(api, TOKEN)).register(BASE, 1));
        assertTrue(e.getMessage().startsWith("cannot reach the fleet API at " + api), e.getMessage());
    }
}
