package dev.telemask.bench;

import dev.telemask.bench.idle.IdleConnectionsBenchmark;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telemask bench idle-connections [N]}: the gateway's heap per idle device connection. */
@Command(name = "idle-connections",
        description = "Heap per idle device connection: the packaged gateway in its own JVM, N devices connect, are"
                + " accepted and stay silent; the gateway's heap after full collections before and with them.")
final class IdleConnectionsCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    private final PrintStream out;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "N", defaultValue = "10000",
            description = "idle connections (default: ${DEFAULT-VALUE})")
    int connections;

    @Mixin
    GatewayJarOption gatewayJar;

    IdleConnectionsCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        Positive.require(spec, "N", connections);
        IdleConnectionsBenchmark.run(connections, gatewayJar.path, out);
        return 0;
    }
}
