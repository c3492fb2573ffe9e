package dev.telemask.bench;

import dev.telemask.bench.idle.IdleConnectionsBenchmark;
import dev.telemask.bench.load.LoadCommand;
import dev.telemask.bench.load.LoadCommandLine;
import dev.telemask.bench.query.TrackQueryBenchmark;
import dev.telemask.bench.simulator.SimulateCommand;
import dev.telemask.bench.simulator.SimulatorCommandLine;
import dev.telemask.bench.storage.PositionWriteBenchmark;
import dev.telemask.bench.zone.ZoneAttack;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The bench jar's entry point: {@code telemask bench decoder|privacy [JMH options]} runs a group of JMH benchmarks
 * with the GC profiler; {@code telemask bench storage|query JDBC_URL [...]} runs a database benchmark;
 * {@code telemask bench zone-attack [options]} attacks privacy zones with geometry;
 * {@code telemask simulate [options]} runs the fleet simulator; {@code telemask load [options]} runs the end-to-end
 * load test.
 */
public final class Main {
    /** JMH suites by name: a regular expression over benchmark class names. */
    private static final Map<String, String> SUITES = Map.of(
            "decoder", "dev\\.telemask\\.bench\\.codec\\..*",
            "privacy", "dev\\.telemask\\.bench\\.privacy\\..*");

    /** A benchmark with a main of its own. */
    private interface Program {
        void main(String[] args) throws Exception;
    }

    /** Database benchmarks by name; they take the JDBC URL of a TimescaleDB first. */
    private static final Map<String, Program> PROGRAMS = Map.of(
            "storage", PositionWriteBenchmark::main,
            "query", TrackQueryBenchmark::main);

    private Main() {}

    static String usage() {
        return "usage: telemask bench <" + String.join("|", SUITES.keySet().stream().sorted().toList())
                + "> [JMH options, e.g. -f 1 -wi 2 -i 3; -h lists them]\n"
                + "       telemask bench storage JDBC_URL [ROWS] [sealed]\n"
                + "       telemask bench query JDBC_URL [DEVICES] [INTERVAL] [QUERIES]\n"
                + "       telemask bench zone-attack [--homes N] [--trips N] [--seed S]\n"
                + "       telemask bench idle-connections [N]\n"
                + "       telemask simulate --devices N --rate R --duration D --host H --port P [options]  (--help)\n"
                + "       telemask load [--steps 1000,5000,10000] [--rate-per-device 5] [options]  (--help)\n";
    }

    /**
     * Answers {@code --help} (or {@code -h}, or {@code help}) of the simulator, the load test and the benchmarks with
     * their usage on {@code out}, and returns 0; returns -1 when {@code args} asks for no help. A JMH suite's own
     * options ({@code bench decoder -h}) are JMH's to answer.
     */
    static int help(String[] args, PrintStream out) {
        boolean asked = args.length > 0 && Arrays.stream(args).anyMatch(a -> a.equals("--help") || a.equals("-h"));
        if (args.length > 0 && args[0].equals("simulate") && asked) {
            out.println(SimulatorCommandLine.USAGE);
            return 0;
        }
        if (args.length > 0 && args[0].equals("load") && asked) {
            out.println(LoadCommandLine.USAGE);
            return 0;
        }
        boolean benchHelp = args.length > 0 && args[0].equals("bench")
                && args.length > 1 && (args[1].equals("--help") || args[1].equals("-h") || args[1].equals("help"));
        if (benchHelp || (args.length > 0 && (args[0].equals("--help") || args[0].equals("help")))) {
            out.print(usage());
            return 0;
        }
        return -1;
    }

    public static void main(String[] args) throws Exception {
        int help = help(args, System.out);
        if (help >= 0) {
            System.exit(help);
        }
        if (args.length > 0 && args[0].equals("simulate")) {
            System.exit(SimulateCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("load")) {
            System.exit(LoadCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length >= 2 && args[0].equals("bench") && args[1].equals("zone-attack")) {
            ZoneAttack.main(Arrays.copyOfRange(args, 2, args.length));
            return;
        }
        if (args.length >= 2 && args[0].equals("bench") && args[1].equals("idle-connections")) {
            IdleConnectionsBenchmark.main(Arrays.copyOfRange(args, 2, args.length));
            System.exit(0);
        }
        if (args.length >= 2 && args[0].equals("bench") && PROGRAMS.containsKey(args[1])) {
            PROGRAMS.get(args[1]).main(Arrays.copyOfRange(args, 2, args.length));
            return;
        }
        if (args.length < 2 || !args[0].equals("bench") || !SUITES.containsKey(args[1])) {
            System.err.print(usage());
            System.exit(2);
        }
        List<String> jmh = new ArrayList<>(List.of(SUITES.get(args[1]), "-prof", "gc"));
        jmh.addAll(Arrays.asList(args).subList(2, args.length));
        org.openjdk.jmh.Main.main(jmh.toArray(String[]::new));
    }
}
