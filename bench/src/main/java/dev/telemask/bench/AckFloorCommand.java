package dev.telemask.bench;

import dev.telemask.bench.load.AckFloor;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telemask bench ack-floor [N]}: CPU per record of a server that only decodes and acknowledges. */
@Command(name = "ack-floor",
        description = "The floor under the gateway's CPU per record: the load test's fleet against a server (its own"
                + " JVM, the gateway's flags) that reads, decodes and acknowledges each frame and does nothing else;"
                + " 'direct' acknowledges in the read, 'handoff' through one writer-like thread as a durable"
                + " acknowledgement must.")
final class AckFloorCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    private final PrintStream out;

    @Parameters(index = "0", arity = "0..1", paramLabel = "N", defaultValue = "10000",
            description = "devices (default: ${DEFAULT-VALUE})")
    int devices;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "5",
            description = "records a second per device (default: ${DEFAULT-VALUE})")
    double ratePerDevice;

    @Option(names = "--records-per-frame", paramLabel = "K", defaultValue = "5",
            description = "records a frame (default: ${DEFAULT-VALUE})")
    int recordsPerFrame;

    @Option(names = "--warm-up", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "before the measured window (default: ${DEFAULT-VALUE})")
    Duration warmUp;

    @Option(names = "--measure", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
            description = "the measured window (default: ${DEFAULT-VALUE})")
    Duration measure;

    @Option(names = "--mode", paramLabel = "MODE", split = ",", defaultValue = "direct,handoff",
            description = "direct, handoff or both, comma-separated (default: ${DEFAULT-VALUE})")
    List<String> modes;

    AckFloorCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        Positive.require(spec, "N", devices);
        Positive.require(spec, "--records-per-frame", recordsPerFrame);
        Positive.require(spec, "--rate", ratePerDevice);
        for (String mode : modes) {
            if (!mode.equals("direct") && !mode.equals("handoff")) {
                throw new ParameterException(spec.commandLine(), "--mode takes direct or handoff, got '" + mode + "'");
            }
        }
        AckFloor.run(modes, devices, ratePerDevice, recordsPerFrame, warmUp, measure, "1g",
                Path.of("bench", "target", "ack-floor"), out);
        return 0;
    }
}
