package dev.telemask.gateway.cli;

import dev.telemask.gateway.Gateway;
import dev.telemask.gateway.api.TokenCommand;
import dev.telemask.gateway.config.ConfigException;
import dev.telemask.gateway.config.ConfigLoader;
import dev.telemask.gateway.config.GatewayConfig;
import dev.telemask.gateway.logging.LogbackSetup;
import dev.telemask.storage.ApiPoolSettings;
import dev.telemask.storage.DatabaseSettings;
import dev.telemask.storage.Migrations;
import dev.telemask.storage.StorageDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** The {@code telemask} command line: one sub-command per job. */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());
    private static final String USAGE = """
            usage: telemask <command> [arguments]
              serve   [--config FILE]   run the gateway (device TCP/UDP port, HTTP port); embedded database by default
              migrate [--config FILE]   apply the database migrations and exit
              decode  [FILE]            decode hex-encoded Teltonika TCP frames (one per line, FILE or stdin) to NDJSON
              token create --tenant T --role admin|viewer|driver [--device IMEI] [--name N]
              token list --tenant T | token revoke ID|PREFIX
                                        API tokens (shown once; only a hash is stored)
            Configuration: telemask.properties in the working directory if present, or --config FILE, then
            TELEMASK_* environment variables (see the README).
            """;
    private static final Path DEFAULT_CONFIG = Path.of("telemask.properties");

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length == 0) {
            System.err.print(USAGE);
            return 2;
        }
        try {
            return switch (args[0]) {
                case "serve" -> serve(config(args));
                case "migrate" -> migrate(config(args));
                case "decode" -> decode(args);
                case "token" -> token(args);
                case "help", "--help", "-h" -> {
                    System.out.print(USAGE);
                    yield 0;
                }
                default -> {
                    System.err.println("telemask: unknown command '" + args[0] + "'");
                    System.err.print(USAGE);
                    yield 2;
                }
            };
        } catch (ConfigException e) {
            System.err.println("telemask: configuration: " + e.getMessage());
            return 2;
        } catch (NoSuchFileException e) {
            System.err.println("telemask: no such file: " + e.getFile());
            return 2;
        } catch (IOException e) {
            System.err.println("telemask: " + e.getMessage());
            return 2;
        }
    }

    private static GatewayConfig config(String[] args) {
        Path file = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else {
                throw new ConfigException("unexpected argument '" + args[i] + "'; usage: telemask " + args[0]
                        + " [--config FILE]");
            }
        }
        if (file == null && Files.isRegularFile(DEFAULT_CONFIG)) {
            file = DEFAULT_CONFIG;
        }
        GatewayConfig config = ConfigLoader.load(file, System.getenv(), Map.of());
        LogbackSetup.apply(config.log());
        return config;
    }

    private static int serve(GatewayConfig config) {
        Gateway gateway;
        try {
            gateway = Gateway.start(config);
        } catch (Exception e) {
            System.err.println("telemask: the gateway could not start: " + e);
            return 1;
        }
        LOG.log(Level.INFO, "telemask {0} serving: devices on tcp/{1} udp/{2}{3}, HTTP{4} on {5}", version(),
                port(gateway.devicePort()), port(gateway.udpPort()), config.tlsEnabled() ? " (TLS)" : "",
                config.httpTlsEnabled() ? "S" : "", port(gateway.httpPort()));
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

    /** The jar's version (its manifest), or "dev" when run from classes. */
    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** A port as the log line shows it: "off" for a listener turned off. */
    private static String port(int port) {
        return port < 0 ? "off" : Integer.toString(port);
    }

    private static int migrate(GatewayConfig config) {
        try (StorageDatabase database = StorageDatabase.open(databaseSettings(config))) {
            int applied = Migrations.migrate(database.dataSource());
            System.out.println("telemask: " + applied + " migrations applied");
            return 0;
        } catch (RuntimeException e) {
            System.err.println("telemask: migration failed: " + e.getMessage());
            return 1;
        }
    }

    /** Token commands run against the configured (or embedded) database, migrating it first. */
    private static int token(String[] args) {
        GatewayConfig config = ConfigLoader.load(Files.isRegularFile(DEFAULT_CONFIG) ? DEFAULT_CONFIG : null,
                System.getenv(), Map.of());
        try (StorageDatabase database = StorageDatabase.open(databaseSettings(config))) {
            Migrations.migrate(database.dataSource());
            return TokenCommand.run(args, database.dataSource(), System.out);
        } catch (RuntimeException e) {
            System.err.println("telemask: token: " + e.getMessage());
            return 1;
        }
    }

    private static DatabaseSettings databaseSettings(GatewayConfig config) {
        return new DatabaseSettings(config.databaseUrl(), config.databaseUser(), config.databasePassword(),
                config.embeddedDataDirectory(), 2, new ApiPoolSettings(1, Duration.ZERO, Duration.ZERO));
    }

    private static int decode(String[] args) throws IOException {
        if (args.length > 2) {
            System.err.println("usage: telemask decode [FILE]");
            return 2;
        }
        try (BufferedReader in = args.length == 2 && !args[1].equals("-")
                ? Files.newBufferedReader(Path.of(args[1]), StandardCharsets.US_ASCII)
                : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            return DecodeCommand.run(in, System.out);
        }
    }
}
