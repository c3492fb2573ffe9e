package dev.telemask.gateway.cli;

import dev.telemask.gateway.Gateway;
import dev.telemask.gateway.config.GatewayConfig;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
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
    private static final Logger LOG = System.getLogger(ServeCommand.class.getName());

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
        LOG.log(Level.INFO, "telemask {0} serving: devices on tcp/{1} udp/{2}{3}, HTTP{4} on {5}, database {6}",
                Version.number(), port(gateway.devicePort()), port(gateway.udpPort()),
                config.tlsEnabled() ? " (TLS)" : "", config.httpTlsEnabled() ? "S" : "", port(gateway.httpPort()),
                config.embeddedDatabase() ? "embedded in " + config.embeddedDataDirectory() : "at db.url");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.log(Level.INFO, "shutting down");
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

    /** A port as the log line shows it: "off" for a listener turned off. */
    private static String port(int port) {
        return port < 0 ? "off" : Integer.toString(port);
    }
}
