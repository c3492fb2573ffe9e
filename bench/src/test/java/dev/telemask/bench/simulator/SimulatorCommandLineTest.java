package dev.telemask.bench.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatorCommandLineTest {
    @Test
    void parsesEveryOption() {
        SimulatorOptions options = SimulatorCommandLine.parse("--devices", "10000", "--rate", "50000", "--duration", "5m",
                "--host", "10.0.0.7", "--port", "6000", "--records-per-frame", "10", "--imei-base", "351000000000000",
                "--tls", "--ack-timeout", "2500ms", "--connect-rate", "500", "--drain", "90", "--report-interval", "1s",
                "--seed", "9");

        assertEquals(10_000, options.devices());
        assertEquals(50_000, options.recordsPerSecond());
        assertEquals(Duration.ofMinutes(5), options.duration());
        assertEquals("10.0.0.7", options.host());
        assertEquals(6000, options.port());
        assertEquals(10, options.recordsPerFrame());
        assertEquals(351_000_000_000_000L, options.imeiBase());
        assertTrue(options.tls());
        assertEquals(Duration.ofMillis(2500), options.ackTimeout());
        assertEquals(500, options.connectRate());
        assertEquals(Duration.ofSeconds(90), options.drainTimeout());
        assertEquals(Duration.ofSeconds(1), options.reportInterval());
        assertEquals(9, options.seed());
        // 10,000 devices x 10 records at 50,000 records/s: a frame every 2 s per device.
        assertEquals(2_000_000_000L, options.framePeriodNanos());
    }

    @Test
    void defaultsMatchTheIssue() {
        SimulatorOptions options = SimulatorCommandLine.parse();

        assertEquals(5, options.recordsPerFrame());
        assertEquals(350_000_000_000_000L, options.imeiBase());
        assertEquals(Duration.ofSeconds(30), options.ackTimeout());
        assertEquals("127.0.0.1", options.host());
    }

    @Test
    void refusesBadArgumentsWithAMessage() {
        assertMessage("--duration wants a duration", "--duration", "soon");
        assertMessage("--devices wants a whole number", "--devices", "many");
        assertMessage("--port needs a value", "--port");
        assertMessage("unknown option --colour", "--colour", "red");
        assertMessage("records per frame must be 1..255", "--records-per-frame", "300");
        assertMessage("leave the 15-digit range", "--imei-base", "999999999999999", "--devices", "2");
    }

    private static void assertMessage(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SimulatorCommandLine.parse(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void registerTakesTheTokenAndDefaultsTheApiToTheDeviceHost() {
        SimulateArguments arguments = SimulatorCommandLine.parseCommand(null, "--register", "--token", "tm_abc",
                "--host", "10.0.0.7", "--devices", "5");

        assertEquals(5, arguments.fleet().devices());
        RegistrationTarget target = arguments.registration().orElseThrow();
        assertEquals(URI.create("http://10.0.0.7:8080"), target.api());
        assertEquals("tm_abc", target.token());
    }

    @Test
    void registerTakesAnApiAddressAndTheTokenFromTheEnvironment() {
        RegistrationTarget target = SimulatorCommandLine.parseCommand("tm_env", "--register", "--api",
                "https://gw.example.org:8443").registration().orElseThrow();

        assertEquals(URI.create("https://gw.example.org:8443"), target.api());
        assertEquals("tm_env", target.token());
        assertTrue(SimulatorCommandLine.parseCommand("tm_env").registration().isEmpty(), "no --register, no registration");
    }

    @Test
    void registerWithoutTokenOrWithABadApiSaysWhatIsMissing() {
        IllegalArgumentException noToken = assertThrows(IllegalArgumentException.class,
                () -> SimulatorCommandLine.parseCommand(null, "--register"));
        assertTrue(noToken.getMessage().contains("--register needs an admin token of the fleet: --token T"),
                noToken.getMessage());
        IllegalArgumentException badApi = assertThrows(IllegalArgumentException.class,
                () -> SimulatorCommandLine.parseCommand(null, "--register", "--token", "t", "--api", "127.0.0.1:8080"));
        assertTrue(badApi.getMessage().contains("--api wants the gateway's HTTP address"), badApi.getMessage());
        assertMessage("--api is only for --register", "--api", "http://127.0.0.1:8080");
    }
}
