package dev.telemask.bench;

import picocli.CommandLine.Option;

/** The {@code -h, --help} option of every bench command (JMH suites leave {@code -h} to JMH). */
public final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;
}
