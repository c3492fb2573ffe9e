package dev.telemask.gateway.cli;

import dev.telemask.gateway.config.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code telemask} command line: one sub-command per job, each with {@code --help}. */
@Command(name = "telemask", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "The Telemask privacy gateway for Teltonika trackers.",
        subcommands = {ServeCommand.class, MigrateCommand.class, TenantCommands.class, TokenCommands.class,
                UserCommands.class,
                DecodeCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Configuration: telemask.properties in the working directory if present, or --config FILE, then"
                + " TELEMASK_* environment variables (see the README). migrate, tenant, token and user use the database"
                + " serve uses with the same configuration (also while serve runs); they create no embedded database"
                + " unless given --init.",
                "The fleet simulator, load test and benchmarks: ./telemask simulate|load|bench --help."})
public final class Main implements Callable<Integer> {
    final ToolDatabases databases;
    final PrintStream out;
    @Spec
    CommandSpec spec;

    Main(ToolDatabases databases, PrintStream out) {
        this.databases = databases;
        this.out = out;
    }

    /** Without a command: the usage, as an error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    public static void main(String[] args) {
        System.exit(run(ToolDatabases.CONFIGURED, System.out, System.err, args));
    }

    /** Runs one command line; returns the exit code: 0 done, 1 failed, 2 a usage or configuration error. */
    public static int run(ToolDatabases databases, PrintStream out, PrintStream err, String... args) {
        CommandLine cli = new CommandLine(new Main(databases, out));
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            String command = commandLine.getCommandName();
            if (e instanceof ConfigException) {
                err.println("telemask: configuration: " + e.getMessage());
                return 2;
            }
            if (e instanceof NoSuchFileException missing) {
                err.println("telemask: no such file: " + missing.getFile());
                return 2;
            }
            if (e instanceof IllegalArgumentException) {
                err.println("telemask " + command + ": " + e.getMessage());
                commandLine.usage(err);
                return 2;
            }
            if (e instanceof IOException) {
                err.println("telemask: " + e.getMessage());
                return 2;
            }
            err.println("telemask " + command + ": " + e.getMessage());
            return 1;
        });
        return cli.execute(args);
    }
}
