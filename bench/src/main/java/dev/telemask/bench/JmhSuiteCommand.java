package dev.telemask.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * A group of JMH benchmarks, run with the GC profiler. Every argument but {@code --help} is JMH's (e.g.
 * {@code -f 1 -wi 2 -i 3}; {@code -h} lists them), so picocli hands them on unread.
 */
@Command
final class JmhSuiteCommand implements Callable<Integer> {
    private final String benchmarks;

    @Option(names = "--help", usageHelp = true, description = "show this help and exit (-h is JMH's)")
    boolean help;

    @Unmatched
    List<String> jmhOptions = new ArrayList<>();

    private JmhSuiteCommand(String benchmarks) {
        this.benchmarks = benchmarks;
    }

    /** The suite {@code name}: the benchmark classes whose names match {@code benchmarks} (a regular expression). */
    static CommandLine commandLine(String name, String benchmarks, String description) {
        CommandLine cli = new CommandLine(new JmhSuiteCommand(benchmarks));
        cli.getCommandSpec().name(name).usageMessage().description(description)
                .customSynopsis("telemask bench " + name
                        + " [--help] [JMH options, e.g. -f 1 -wi 2 -i 3; -h lists them]");
        return cli;
    }

    /** The arguments JMH's runner gets: the suite, the GC profiler, then the user's options in their order. */
    List<String> jmhArguments() {
        List<String> arguments = new ArrayList<>(List.of(benchmarks, "-prof", "gc"));
        arguments.addAll(jmhOptions);
        return arguments;
    }

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(jmhArguments().toArray(String[]::new));
        return 0;
    }
}
