package dev.telemask.gateway.cli;

import dev.telemask.gateway.Gateway;
import dev.telemask.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code telemask serve}: runs the gateway until it is stopped (SIGTERM, Ctrl-C), then shuts it down gracefully. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the gateway: the device TCP/UDP port, the HTTP port (API, console, metrics); the"
                + " embedded database unless db.url is configured.")
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--config", paramLabel = "FILE",
            description = "configuration file (default: telemask.properties here, if present)")
    Path configFile;

    @Override
    public Integer call() {
        GatewayConfig config = ToolDatabases.configuration(configFile);
        Gateway gateway;
        try {
            gateway = Gateway.start(config);
        } catch (Exception e) {
            System.err.println("telemask: the gateway could not start: " + e);
            return 1;
        }
        main.out.printf("telemask: devices on tcp/%d udp/%d%s, HTTP on %d, database %s%n", gateway.devicePort(),
                gateway.udpPort(), config.tlsEnabled() ? " (TLS)" : "", gateway.httpPort(),
                config.embeddedDatabase() ? "embedded in " + config.embeddedDataDirectory() : config.databaseUrl());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            main.out.println("telemask: shutting down");
            try {
                gateway.close();
            } catch (Exception e) {
                System.err.println("telemask: shutdown: " + e);
            } finally {
                stopped.countDown();
            }
        }, "telemask-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
