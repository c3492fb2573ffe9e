package dev.telemask.gateway.cli;

import dev.telemask.gateway.Gateway;
import dev.telemask.gateway.api.TokenCommand;
import dev.telemask.gateway.config.ConfigException;
import dev.telemask.gateway.config.ConfigLoader;
import dev.telemask.gateway.config.GatewayConfig;
import dev.telemask.storage.ApiPoolSettings;
import dev.telemask.storage.DatabaseSettings;
import dev.telemask.storage.Migrations;
import dev.telemask.storage.StorageDatabase;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** The {@code telemask} command line: one sub-command per job. */
public final class Main {
    private static final String USAGE = """
            usage: telemask <command> [arguments]
              serve   [--config FILE]   run the gateway (device TCP/UDP port, HTTP port); embedded database by default
              migrate [--config FILE] [--init]
                                        apply the database migrations and exit
              decode  [FILE]            decode hex-encoded Teltonika TCP frames (one per line, FILE or stdin) to NDJSON
              token create --tenant T --role admin|viewer|driver [--device IMEI] [--name N] [--config FILE] [--init]
              token list --tenant T | token revoke ID|PREFIX
                                        API tokens (shown once; only a hash is stored)
            Configuration: telemask.properties in the working directory if present, or --config FILE, then
            TELEMASK_* environment variables (see the README). migrate and token use the database serve uses with
            the same configuration (also while serve runs); they create no embedded database unless given --init.
            """;
    private static final Path DEFAULT_CONFIG = Path.of("telemask.properties");

    private Main() {}

    public static void main(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$-7s %3$s: %5$s%6$s%n");
        }
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
                case "migrate" -> migrate(args);
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
        return ConfigLoader.load(file, System.getenv(), Map.of());
    }

    private static int serve(GatewayConfig config) {
        Gateway gateway;
        try {
            gateway = Gateway.start(config);
        } catch (Exception e) {
            System.err.println("telemask: the gateway could not start: " + e);
            return 1;
        }
        System.out.printf("telemask: devices on tcp/%d udp/%d%s, HTTP on %d, database %s%n", gateway.devicePort(),
                gateway.udpPort(), config.tlsEnabled() ? " (TLS)" : "", gateway.httpPort(),
                config.embeddedDatabase() ? "embedded in " + config.embeddedDataDirectory() : config.databaseUrl());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("telemask: shutting down");
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

    private static int migrate(String[] args) {
        ToolArguments arguments = ToolArguments.parse(args, 1);
        if (!arguments.rest().isEmpty()) {
            throw new ConfigException("unexpected argument '" + arguments.rest().getFirst()
                    + "'; usage: telemask migrate [--config FILE] [--init]");
        }
        GatewayConfig config = toolConfig(arguments, "migrate");
        try (StorageDatabase database = StorageDatabase.open(databaseSettings(config))) {
            int applied = Migrations.migrate(database.dataSource());
            System.out.println("telemask: " + applied + " migrations applied");
            return 0;
        } catch (RuntimeException e) {
            System.err.println("telemask: migration failed: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Token commands run against the database {@code serve} uses with the same configuration (the embedded one also
     * while {@code serve} runs it), migrating it first.
     */
    private static int token(String[] args) {
        ToolArguments arguments = ToolArguments.parse(args, 1);
        GatewayConfig config = toolConfig(arguments, "token");
        try (StorageDatabase database = StorageDatabase.open(databaseSettings(config))) {
            Migrations.migrate(database.dataSource());
            return TokenCommand.run(arguments.rest().toArray(String[]::new), database.dataSource(), System.out);
        } catch (RuntimeException e) {
            System.err.println("telemask: token: " + e.getMessage());
            return 1;
        }
    }

    /** The configuration {@code serve} would read here, refused when it names an embedded database not made yet. */
    private static GatewayConfig toolConfig(ToolArguments arguments, String command) {
        Path file = arguments.configFile();
        if (file == null && Files.isRegularFile(DEFAULT_CONFIG)) {
            file = DEFAULT_CONFIG;
        }
        GatewayConfig config = ConfigLoader.load(file, System.getenv(), Map.of());
        ExistingDatabase.require(config, arguments.init(), command);
        return config;
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
