package dev.telemask.bench.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.simulator.RegistrationTarget;
import dev.telemask.simulator.SimulatorOptions;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The options of {@code telemask simulate}: every one reaches the fleet, and what cannot run is refused. */
class SimulateCommandLineTest {
    private static SimulateArguments parseCommand(String environmentToken, String... args) {
        Map<String, String> environment = new HashMap<>();
        if (environmentToken != null) {
            environment.put("TELEMASK_TOKEN", environmentToken);
        }
        SimulateCommand command = new SimulateCommand(environment, new PrintStream(PrintStream.nullOutputStream()));
        new CommandLine(command).parseArgs(args);
        return command.arguments();
    }

    private static SimulatorOptions parse(String... args) {
        return parseCommand(null, args).fleet();
    }

    @Test
    void parsesEveryOption() {
        SimulatorOptions options = parse("--devices", "10000", "--rate", "50000", "--duration", "5m",
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
        SimulatorOptions options = parse();

        assertEquals(5, options.recordsPerFrame());
        assertEquals(350_000_000_000_000L, options.imeiBase());
        assertEquals(Duration.ofSeconds(30), options.ackTimeout());
        assertEquals("127.0.0.1", options.host());
    }

    private static void assertMessage(String expected, String... args) {
        ParameterException e = assertThrows(ParameterException.class, () -> parse(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void registerTakesTheTokenAndDefaultsTheApiToTheDeviceHost() {
        SimulateArguments arguments = parseCommand(null, "--register", "--token", "tm_abc",
                "--host", "10.0.0.7", "--devices", "5");

        assertEquals(5, arguments.fleet().devices());
        RegistrationTarget target = arguments.registration().orElseThrow();
        assertEquals(URI.create("http://10.0.0.7:8080"), target.api());
        assertEquals("tm_abc", target.token());
    }

    @Test
    void registerTakesAnApiAddressAndTheTokenFromTheEnvironment() {
        RegistrationTarget target = parseCommand("tm_env", "--register", "--api",
                "https://gw.example.org:8443").registration().orElseThrow();

        assertEquals(URI.create("https://gw.example.org:8443"), target.api());
        assertEquals("tm_env", target.token());
        assertTrue(parseCommand("tm_env").registration().isEmpty(), "no --register, no registration");
    }

    @Test
    void registerWithoutTokenOrWithABadApiSaysWhatIsMissing() {
        ParameterException noToken = assertThrows(ParameterException.class,
                () -> parseCommand(null, "--register"));
        assertTrue(noToken.getMessage().contains("--register needs an admin token of the fleet: --token T"),
                noToken.getMessage());
        ParameterException badApi = assertThrows(ParameterException.class,
                () -> parseCommand(null, "--register", "--token", "t", "--api", "127.0.0.1:8080"));
        assertTrue(badApi.getMessage().contains("--api wants the gateway's HTTP address"), badApi.getMessage());
        assertMessage("--api is only for --register", "--api", "http://127.0.0.1:8080");
    }
}
