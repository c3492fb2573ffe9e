package dev.telemask.gateway.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The {@code telemask} command line: one sub-command per job. */
public final class Main {
    private static final String USAGE = """
            usage: telemask <command> [arguments]
              decode [FILE]   decode hex-encoded Teltonika TCP frames (one per line, from FILE or stdin) to NDJSON
            """;

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
                case "decode" -> decode(args);
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
        } catch (NoSuchFileException e) {
            System.err.println("telemask: no such file: " + e.getFile());
            return 2;
        } catch (IOException e) {
            System.err.println("telemask: " + e.getMessage());
            return 2;
        }
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
