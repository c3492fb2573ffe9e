package dev.telemask.bench;

import dev.telemask.bench.storage.PositionWriteBenchmark;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code telemask bench storage JDBC_URL [ROWS] [sealed|optimistic|cpu]}: rows/s through the position writer. */
@Command(name = "storage",
        description = "Rows/s into positions through the position writer: transaction sizes, one and two writers,"
                + " with and without dedup, next to raw COPY; or sealed against plain rows (sealed); or the writer"
                + " against raw COPY with resends (optimistic); or the writer thread's CPU per record at a fixed"
                + " transaction size (cpu).")
final class StorageBenchCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    private final Map<String, String> environment;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "JDBC_URL",
            description = "the TimescaleDB to write into (default: $TSDB_URL)")
    String url;

    @Parameters(index = "1", arity = "0..1", paramLabel = "ROWS", defaultValue = "300000",
            description = "rows per case (default: ${DEFAULT-VALUE})")
    int rows;

    @Parameters(index = "2", arity = "0..1", paramLabel = "COMPARISON", defaultValue = "writers",
            description = "writers, sealed, optimistic or cpu (default: ${DEFAULT-VALUE})")
    PositionWriteBenchmark.Comparison comparison;

    StorageBenchCommand(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        String database = DatabaseUrl.of(url, environment, spec);
        Positive.require(spec, "ROWS", rows);
        PositionWriteBenchmark.run(database, rows, comparison);
        return 0;
    }
}
