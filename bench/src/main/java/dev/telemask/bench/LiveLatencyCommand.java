package dev.telemask.bench;

import dev.telemask.bench.live.LiveLatency;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telemask bench live-latency [DEVICES] [SECONDS] [EVERY_MS]}: commit-to-console latency of the live fleet. */
@Command(name = "live-latency",
        description = "How long a committed position takes to reach a console on GET /fleet/live: the packaged"
                + " gateway in its own JVM, DEVICES devices each sending a record every EVERY_MS for SECONDS; prints"
                + " one JSON document.")
final class LiveLatencyCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    private final PrintStream out;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DEVICES", defaultValue = "1000",
            description = "devices (default: ${DEFAULT-VALUE})")
    int devices;

    @Parameters(index = "1", arity = "0..1", paramLabel = "SECONDS", defaultValue = "60",
            description = "how long the devices send (default: ${DEFAULT-VALUE})")
    int seconds;

    @Parameters(index = "2", arity = "0..1", paramLabel = "EVERY_MS", defaultValue = "5000",
            description = "each device's reporting period in milliseconds (default: ${DEFAULT-VALUE})")
    int everyMillis;

    @Mixin
    GatewayJarOption gatewayJar;

    LiveLatencyCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        Positive.require(spec, "DEVICES", devices);
        Positive.require(spec, "SECONDS", seconds);
        Positive.require(spec, "EVERY_MS", everyMillis);
        LiveLatency.run(devices, seconds, everyMillis, gatewayJar.path, out);
        return 0;
    }
}
