package dev.telemask.bench.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.bench.Main;
import dev.telemask.simulator.FakeTeltonikaServer;
import dev.telemask.simulator.LatencySummary;
import dev.telemask.simulator.SimulationReport;
import dev.telemask.simulator.SimulatorOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The command's output when the gateway refuses the fleet: one line saying why and what to do, and the count. */
class SimulateCommandTest {
    private static final long IMEI_BASE = SimulatorOptions.DEFAULT_IMEI_BASE;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // the run lasts an hour unless it ends when every device is refused
    void aFleetRefusedAtHandshakeIsToldWhyAndEndsAtOnce() throws Exception {
        Set<Long> everyImei = Set.copyOf(LongStream.range(IMEI_BASE, IMEI_BASE + 5).boxed().toList());
        try (FakeTeltonikaServer server = new FakeTeltonikaServer(
                new FakeTeltonikaServer.Behaviour(everyImei, false, false, true))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit = Main.run(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8), System.err, "simulate",
                    "--devices", "5", "--rate", "50", "--duration", "1h", "--port", Integer.toString(server.port()),
                    "--report-interval", "1h");

            List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
            assertEquals(1, exit);
            assertTrue(lines.contains("5 devices refused by the gateway at handshake: IMEIs not registered; register"
                    + " them with --register or POST /api/v1/devices"), String.join("\n", lines));
            assertTrue(lines.getLast().contains("\"rejects\":5,\"devicesRefused\":5,"), lines.getLast());
            assertTrue(lines.getLast().contains("\"successful\":false"), lines.getLast());
        }
    }

    @Test
    void noRefusalNoSummary() {
        SimulationReport report = new SimulationReport(1, 1, 1, 5, 1, 5, 5, 5, new LatencySummary(0, 0, 0, 0, 0), 0, 0, 0, 0, 0,
                0, 0, 1);
        assertTrue(report.refusalSummary().isEmpty());
        assertTrue(report.toJson().contains("\"devicesRefused\":0,"), report.toJson());
    }
}
