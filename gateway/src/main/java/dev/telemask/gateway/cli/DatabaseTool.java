package dev.telemask.gateway.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every database tool shares with {@code serve}: which configuration, and whether it may create. */
final class DatabaseTool {
    @Option(names = "--config", paramLabel = "FILE",
            description = "the gateway's configuration file (default: telemask.properties here, if present)")
    Path configFile;

    @Option(names = "--init", description = "create the embedded database if there is none (otherwise refused:"
            + " a tool run from the wrong directory would start an empty one)")
    boolean init;
}
