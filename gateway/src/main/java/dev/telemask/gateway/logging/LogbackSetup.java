package dev.telemask.gateway.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import dev.telemask.storage.EmbeddedDatabase;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Configures Logback from {@link LogSettings}: one appender on standard error, text or JSON, and the levels. The
 * code logs through {@code System.Logger}, which slf4j-jdk-platform-logging hands to SLF4J and so to Logback; the
 * libraries log through SLF4J directly.
 */
public final class LogbackSetup {
    /** Text lines: time (UTC), level, logger, message, the message kept on its one line ({@link OneLineMessage}). */
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS'Z',UTC} %-5level %logger{36}: %oneLineMsg%n";

    /**
     * Libraries whose INFO lines are set-up detail (the embedded server's initdb output, migration steps, pool
     * start, the Kafka producer's configuration): shown only when asked for, e.g. {@code log.level.org.flywaydb=info}. The gateway says in its own
     * lines which database it uses and how many migrations it applied.
     */
    static final Map<String, String> QUIET = Map.of(
            "io.zonky.test", "warn",
            "org.flywaydb", "warn",
            "com.zaxxer.hikari", "warn",
            "org.apache.kafka", "warn");

    private LogbackSetup() {}

    /**
     * Applies {@code settings} to the process's Logback, writing to standard error; not when an operator's own
     * Logback file configures it.
     */
    public static void apply(LogSettings settings) {
        if (!operatorFile() && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            apply(context, settings, System.err);
        }
    }

    /** Whether {@code -Dlogback.configurationFile} names the operator's own configuration. */
    static boolean operatorFile() {
        return System.getProperty("logback.configurationFile") != null;
    }

    /** Replaces {@code context}'s configuration: one appender writing to {@code out}, and the levels. */
    public static void apply(LoggerContext context, LogSettings settings, OutputStream out) {
        context.reset();
        Encoder<ILoggingEvent> encoder = encoder(context, settings.format());
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName(settings.format() == LogSettings.Format.JSON ? "json" : "text");
        appender.setEncoder(encoder);
        // A reconfiguration stops this appender, which closes its stream: standard error must stay open.
        appender.setOutputStream(new Unclosed(out));
        appender.addFilter(new ExpectedFailures());
        appender.start();

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(settings.level()));
        root.addAppender(appender);
        QUIET.forEach((name, level) -> context.getLogger(name).setLevel(Level.toLevel(level)));
        settings.loggers().forEach((name, level) -> context.getLogger(name).setLevel(Level.toLevel(level)));
    }

    private static Encoder<ILoggingEvent> encoder(LoggerContext context, LogSettings.Format format) {
        if (format == LogSettings.Format.JSON) {
            JsonEncoder json = new JsonEncoder();
            json.setContext(context);
            // One flat object per line: time, level, thread, logger, the formatted message, MDC and any exception.
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithMessage(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            json.start();
            return json;
        }
        Map<String, Supplier<DynamicConverter<?>>> rules = new HashMap<>();
        rules.put("oneLineMsg", OneLineMessage::new);
        context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(TEXT_PATTERN);
        text.start();
        return text;
    }

    /** {@code out}, but closing only flushes it. */
    private static final class Unclosed extends FilterOutputStream {
        Unclosed(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            out.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /**
     * Drops the events a library logs while its caller has marked the failure as expected and handled
     * ({@link EmbeddedDatabase#EXPECTED_FAILURE}), rather than showing them as errors with a stack trace.
     */
    private static final class ExpectedFailures extends Filter<ILoggingEvent> {
        @Override
        public FilterReply decide(ILoggingEvent event) {
            return event.getMDCPropertyMap().containsKey(EmbeddedDatabase.EXPECTED_FAILURE) ? FilterReply.DENY : FilterReply.NEUTRAL;
        }
    }
}
