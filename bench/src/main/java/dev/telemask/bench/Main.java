package dev.telemask.bench;

import dev.telemask.bench.load.LoadCommand;
import dev.telemask.bench.simulator.SimulateCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * The bench jar's command line: {@code telemask simulate} (the fleet simulator), {@code telemask load} (the
 * end-to-end load test) and {@code telemask bench <name>} (the benchmarks), each with {@code --help}.
 */
@Command(name = "telemask", description = "The fleet simulator, the load test and the benchmarks of Telemask.",
        footer = {"", "The gateway's own commands (serve, token, ...): ./telemask help."})
public final class Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    private Main() {}

    /** Without a command: the usage, as an error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    public static void main(String[] args) {
        System.exit(run(System.getenv(), System.out, System.err, args));
    }

    /**
     * Runs one command line with {@code environment} as the process environment ({@code TELEMASK_TOKEN},
     * {@code TSDB_URL}); returns the exit code: 0 done, 1 failed, 2 a usage error.
     */
    public static int run(Map<String, String> environment, PrintStream out, PrintStream err, String... args) {
        return commandLine(environment, out, err).execute(args);
    }

    /** The command tree, printing on {@code out} and {@code err}. */
    static CommandLine commandLine(Map<String, String> environment, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Main())
                .addSubcommand(new SimulateCommand(environment, out))
                .addSubcommand(new LoadCommand(environment, out))
                .addSubcommand(BenchCommand.commandLine(environment, out));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            err.println("telemask " + commandLine.getCommandName() + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.toString()));
            return 1;
        });
        return cli;
    }
}
