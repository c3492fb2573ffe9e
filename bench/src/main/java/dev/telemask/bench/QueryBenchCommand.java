package dev.telemask.bench;

import dev.telemask.bench.query.TrackQueryBenchmark;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telemask bench query JDBC_URL [DEVICES] [INTERVAL] [QUERIES]}: track query latency over a fleet-year. */
@Command(name = "query",
        description = "Track query latency of the fleet API: a year of positions for DEVICES devices (loaded once,"
                + " kept), then p50/p99/max of device-day and device-month reads.")
final class QueryBenchCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    private final Map<String, String> environment;
    private final PrintStream out;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "JDBC_URL",
            description = "the TimescaleDB to load and query (default: $TSDB_URL)")
    String url;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DEVICES", defaultValue = "1000",
            description = "devices of the fleet (default: ${DEFAULT-VALUE})")
    int devices;

    @Parameters(index = "2", arity = "0..1", paramLabel = "INTERVAL", defaultValue = "30m",
            converter = DurationConverter.class,
            description = "time between two records of a device, e.g. 30s, 30m, 1h (default: ${DEFAULT-VALUE})")
    Duration interval;

    @Parameters(index = "3", arity = "0..1", paramLabel = "QUERIES", defaultValue = "200",
            description = "measured queries per case (default: ${DEFAULT-VALUE})")
    int queries;

    QueryBenchCommand(Map<String, String> environment, PrintStream out) {
        this.environment = environment;
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        String database = DatabaseUrl.of(url, environment, spec);
        Positive.require(spec, "DEVICES", devices);
        Positive.require(spec, "INTERVAL", interval.toMillis());
        Positive.require(spec, "QUERIES", queries);
        TrackQueryBenchmark.run(database, devices, interval, queries, out);
        return 0;
    }
}
