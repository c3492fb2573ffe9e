package dev.telemask.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemask.storage.EmbeddedDatabase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.MDC;

/** Text and JSON lines, levels per logger, quiet libraries, and expected failures left out. */
class LogbackSetupTest {
    private final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    {
        // The process's MDC, as in the gateway's own context.
        context.setMDCAdapter(MDC.getMDCAdapter());
    }

    private String written() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textLinesCarryTimeLevelLoggerAndMessage() {
        LogbackSetup.apply(context, LogSettings.DEFAULT, out);
        context.getLogger("dev.telemask.gateway.ingest.RefusalLog").warn("refused device connection from {}: why",
                "203.0.113.7");
        assertTrue(written().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARN  "
                + "d\\.telemask\\.gateway\\.ingest\\.RefusalLog: refused device connection from 203\\.0\\.113\\.7: why\\R"), written());
    }

    @Test
    void aBreakInALoggedValueCannotForgeALine() {
        // A value a client or a device sent (a header, a parameter, a database error quoting the input) may carry
        // CR or LF: in the text format it must stay inside its own line, not start one that looks like the gateway's.
        LogbackSetup.apply(context, LogSettings.DEFAULT, out);
        context.getLogger("dev.telemask.gateway.api.ErrorMapping").info("data exception: {}",
                "bad\r\n2026-01-01T00:00:00.000Z ERROR d.t.gateway.Gateway: forged\u2028also");
        String[] lines = written().split("\\R");
        assertEquals(1, lines.length, written());
        assertTrue(lines[0].contains("bad\\r\\n2026-01-01T00:00:00.000Z ERROR"), written());
        assertTrue(lines[0].endsWith("forged\\u2028also"), written());
    }

    @Test
    void jsonIsOneObjectPerLineWithTheFormattedMessage() throws Exception {
        LogbackSetup.apply(context, new LogSettings(LogSettings.Format.JSON, "info", Map.of()), out);
        Logger log = context.getLogger("dev.telemask.gateway.Gateway");
        log.info("database {}: {} migrations applied", "embedded", 3);
        log.warn("second \"line\"\nwith a break");
        String[] lines = written().split("\n");
        assertEquals(2, lines.length, written());
        JsonNode first = new ObjectMapper().readTree(lines[0]);
        assertEquals("INFO", first.get("level").asText());
        assertEquals("dev.telemask.gateway.Gateway", first.get("loggerName").asText());
        assertEquals("database embedded: 3 migrations applied", first.get("formattedMessage").asText());
        assertTrue(first.get("timestamp").asLong() > 0);
        assertFalse(first.has("context"), "no Logback internals in every line");
        assertEquals("second \"line\"\nwith a break", new ObjectMapper().readTree(lines[1])
                .get("formattedMessage").asText());
    }

    @Test
    void levelsApplyToTheRootAndToNamedLoggers() {
        LogbackSetup.apply(context, new LogSettings(LogSettings.Format.TEXT, "warn",
                Map.of("dev.telemask.storage", "debug")), out);
        context.getLogger("dev.telemask.gateway.Gateway").info("not shown");
        context.getLogger("dev.telemask.storage.PositionWriter").debug("shown");
        assertFalse(written().contains("not shown"), written());
        assertTrue(written().contains("shown"), written());
    }

    @Test
    void aReconfigurationLeavesTheStreamOpen() {
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        java.io.OutputStream stream = new java.io.FilterOutputStream(out) {
            @Override
            public void close() {
                closed.set(true);
            }
        };
        LogbackSetup.apply(context, LogSettings.DEFAULT, stream);
        LogbackSetup.apply(context, LogSettings.DEFAULT, stream);
        assertFalse(closed.get(), "standard error outlives the first configuration");
        context.getLogger("x").info("after");
        assertTrue(written().contains("after"), written());
    }

    @Test
    void databaseSetUpDetailIsQuietUnlessAskedFor() {
        LogbackSetup.apply(context, LogSettings.DEFAULT, out);
        context.getLogger("org.flywaydb.core.internal.command.DbMigrate").info("Migrating schema to version 1");
        context.getLogger("io.zonky.test.db.postgres.embedded.EmbeddedPostgres").info("initdb output");
        assertEquals("", written());

        LogbackSetup.apply(context, new LogSettings(LogSettings.Format.TEXT, "info", Map.of("org.flywaydb", "info")),
                out);
        context.getLogger("org.flywaydb.core.internal.command.DbMigrate").info("Migrating schema to version 1");
        assertTrue(written().contains("Migrating schema to version 1"), written());
    }

    @Test
    void aFailureMarkedExpectedIsLeftOut() {
        LogbackSetup.apply(context, LogSettings.DEFAULT, out);
        Logger zonky = context.getLogger("io.zonky.test.db.postgres.embedded.EmbeddedPostgres");
        try (MDC.MDCCloseable expected = MDC.putCloseable(EmbeddedDatabase.EXPECTED_FAILURE, "test")) {
            zonky.error("Could not stop postmaster", new IllegalStateException("pg_ctl failed"));
        }
        assertEquals("", written());
        zonky.error("Could not stop postmaster", new IllegalStateException("pg_ctl failed"));
        assertTrue(written().contains("pg_ctl failed"), "the same failure, unexpected, is shown");
    }
}
