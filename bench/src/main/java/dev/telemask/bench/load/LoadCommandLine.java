package dev.telemask.bench.load;

import dev.telemask.bench.simulator.SimulatorCommandLine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Parses the arguments of {@code telemask load} into {@link LoadOptions}. */
public final class LoadCommandLine {
    public static final String USAGE = """
            usage: telemask load [options]
              --steps N,N,...         connections of each step (default 1000,5000,10000)
              --rate-per-device R     records/s each device sends (default 5: 50,000/s at 10,000 devices)
              --records-per-frame K   records per Codec 8E frame (default 5)
              --warm-up D             unmeasured start of each step (default 20s)
              --measure D             measured window of each step (default 40s)
              --gateway-jar PATH      the packaged gateway (default gateway/target/telemask.jar)
              --gateway-heap SIZE     the gateway JVM's -Xmx (default 512m)
              --profile FILE          record a JFR profile of the gateway into FILE
              --tsdb-script PATH      deploy/local/timescaledb.sh, started unless TSDB_URL is set
              --grace-window D        the devices' private-trip grace window (default: the policy default, 2m;
                                      0s measures trips in progress, where no record waits sealed)
            The gateway runs in its own JVM against TimescaleDB (TSDB_URL, or the local script's); the simulator
            runs in this JVM on the same machine. One line per step, then the steps as JSON.""";

    private LoadCommandLine() {}

    /** Throws {@link IllegalArgumentException} with a message fit for the user on any bad argument. */
    public static LoadOptions parse(String databaseUrl, String... args) {
        List<Integer> steps = List.of(1_000, 5_000, 10_000);
        double rate = 5;
        int recordsPerFrame = 5;
        Duration warmUp = Duration.ofSeconds(20);
        Duration measure = Duration.ofSeconds(40);
        Path jar = Path.of("gateway/target/telemask.jar");
        String heap = "512m";
        Path profile = null;
        Path script = Path.of("deploy/local/timescaledb.sh");
        Duration graceWindow = null;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name.startsWith("--") ? name + " needs a value" : "unexpected argument " + name);
            }
            String value = args[++i];
            switch (name) {
                case "--steps" -> steps = steps(value);
                case "--rate-per-device" -> rate = number(name, value);
                case "--records-per-frame" -> recordsPerFrame = (int) number(name, value);
                case "--warm-up" -> warmUp = SimulatorCommandLine.duration(name, value);
                case "--measure" -> measure = SimulatorCommandLine.duration(name, value);
                case "--gateway-jar" -> jar = Path.of(value);
                case "--gateway-heap" -> heap = value;
                case "--profile" -> profile = Path.of(value);
                case "--tsdb-script" -> script = Path.of(value);
                case "--grace-window" -> graceWindow = SimulatorCommandLine.duration(name, value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return new LoadOptions(steps, rate, recordsPerFrame, warmUp, measure, jar, heap, profile, script,
                databaseUrl == null || databaseUrl.isBlank() ? null : databaseUrl.strip(), graceWindow);
    }

    private static List<Integer> steps(String value) {
        List<Integer> steps = new ArrayList<>();
        for (String step : value.split(",")) {
            steps.add((int) number("--steps", step.strip()));
        }
        return steps;
    }

    private static double number(String name, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, was '" + value + "'");
        }
    }
}
