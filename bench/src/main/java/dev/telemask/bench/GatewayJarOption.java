package dev.telemask.bench;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --gateway-jar PATH}: the packaged gateway that a measurement runs in a JVM of its own. */
public final class GatewayJarOption {
    @Option(names = "--gateway-jar", paramLabel = "PATH", defaultValue = "gateway/target/telemask.jar",
            description = "the packaged gateway, run in a JVM of its own (default: ${DEFAULT-VALUE})")
    public Path path;
}
