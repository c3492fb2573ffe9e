package dev.telemask.bench;

import dev.telemask.bench.idle.IdleConnectionsBenchmark;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telemask bench idle-connections [N]}: the gateway's heap per idle device connection. */
@Command(name = "idle-connections",
        description = "Heap per idle device connection: the packaged gateway in its own JVM, N devices connect, are"
                + " accepted, send K frames and stay silent; the gateway's heap after full collections before and"
                + " with them.")
final class IdleConnectionsCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    private final PrintStream out;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "N", defaultValue = "10000",
            description = "idle connections (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--frames", paramLabel = "K", defaultValue = "0",
            description = "frames of five records each device sends (acknowledged one by one) before it falls silent"
                    + " (default: ${DEFAULT-VALUE})")
    int frames;

    @Mixin
    GatewayJarOption gatewayJar;

    IdleConnectionsCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        Positive.require(spec, "N", connections);
        if (frames < 0) {
            throw new ParameterException(spec.commandLine(), "--frames must be 0 or more, got " + frames);
        }
        IdleConnectionsBenchmark.run(connections, frames, gatewayJar.path, out);
        return 0;
    }
}
