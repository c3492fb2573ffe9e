package dev.telemask.bench;

import dev.telemask.bench.codec.DecoderPair;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code telemask bench decoder-pair FIRST OTHER...}: builds of the codec compared by CPU time, called in turn. */
@Command(name = "decoder-pair",
        description = "Builds of the codec (jars or class folders, e.g. codec/target/telemask-codec-*.jar of two"
                + " commits) decoding the decoder benchmarks' frames in one JVM, called in turn, timed by the thread's"
                + " CPU time: a comparison that holds on a shared machine.")
final class DecoderPairCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    private final PrintStream out;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "2..*", paramLabel = "BUILD", description = "codec builds, the first the reference")
    List<Path> builds;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "600",
            description = "samples per build and benchmark (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--frames", paramLabel = "K", defaultValue = "1000",
            description = "frames decoded per sample (default: ${DEFAULT-VALUE})")
    int frames;

    DecoderPairCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        Positive.require(spec, "--rounds", rounds);
        Positive.require(spec, "--frames", frames);
        for (Path build : builds) {
            if (!Files.exists(build)) {
                throw new ParameterException(spec.commandLine(), "BUILD " + build + " does not exist");
            }
        }
        DecoderPair.run(builds, rounds, frames, out);
        return 0;
    }
}
