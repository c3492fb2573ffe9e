package dev.telemask.bench;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code telemask bench <name>}: one sub-command per benchmark. */
@Command(name = "bench", description = "Run a benchmark.", subcommands = CommandLine.HelpCommand.class,
        footer = {"", "JMH suites take JMH's options after their name (-h lists them); every other benchmark has"
                + " --help."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    private BenchCommand() {}

    /** Without a benchmark: the usage, as an error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    static CommandLine commandLine(Map<String, String> environment, PrintStream out) {
        return new CommandLine(new BenchCommand())
                .addSubcommand(JmhSuiteCommand.commandLine("decoder", "dev\\.telemask\\.bench\\.codec\\..*",
                        "JMH: the record decoder, CRC-16 and TCP framing, with the GC profiler."))
                .addSubcommand(JmhSuiteCommand.commandLine("privacy", "dev\\.telemask\\.bench\\.privacy\\..*",
                        "JMH: the privacy engine over decoded batches, with the GC profiler."))
                .addSubcommand(new StorageBenchCommand(environment))
                .addSubcommand(new QueryBenchCommand(environment, out))
                .addSubcommand(new ZoneAttackCommand(out))
                .addSubcommand(new DecoderPairCommand(out))
                .addSubcommand(new IdleConnectionsCommand(out))
                .addSubcommand(new LiveLatencyCommand(out))
                .addSubcommand(new AckFloorCommand(out));
    }
}
