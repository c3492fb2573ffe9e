package dev.telemask.bench;

import dev.telemask.bench.simulator.SimulateCommand;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The bench jar's entry point: {@code telemask bench <suite> [JMH options]} runs a named group of JMH benchmarks with
 * the GC profiler; {@code telemask simulate [options]} runs the fleet simulator.
 */
public final class Main {
    /** Suites by name: a regular expression over benchmark class names. */
    private static final Map<String, String> SUITES = Map.of(
            "decoder", "dev\\.telemask\\.bench\\.codec\\..*",
            "privacy", "dev\\.telemask\\.bench\\.privacy\\..*",
            "storage", "dev\\.telemask\\.bench\\.storage\\..*");

    private Main() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("simulate")) {
            System.exit(SimulateCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length < 2 || !args[0].equals("bench") || !SUITES.containsKey(args[1])) {
            System.err.println("usage: telemask bench <" + String.join("|", SUITES.keySet().stream().sorted().toList())
                    + "> [JMH options, e.g. -f 1 -wi 2 -i 3]");
            System.err.println("       telemask simulate --devices N --rate R --duration D --host H --port P [options]");
            System.exit(2);
        }
        List<String> jmh = new ArrayList<>(List.of(SUITES.get(args[1]), "-prof", "gc"));
        jmh.addAll(Arrays.asList(args).subList(2, args.length));
        org.openjdk.jmh.Main.main(jmh.toArray(String[]::new));
    }
}
