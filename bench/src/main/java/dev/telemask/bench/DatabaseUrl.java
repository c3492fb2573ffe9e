package dev.telemask.bench;

import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The TimescaleDB a database benchmark runs against: its JDBC_URL argument, else {@code $TSDB_URL}. */
final class DatabaseUrl {
    private DatabaseUrl() {}

    static String of(String argument, Map<String, String> environment, CommandSpec spec) {
        String url = argument != null ? argument : environment.get("TSDB_URL");
        if (url == null || url.isBlank()) {
            throw new ParameterException(spec.commandLine(), "JDBC_URL is missing: give the TimescaleDB's JDBC URL"
                    + " (e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres) or set TSDB_URL");
        }
        return url.strip();
    }
}
