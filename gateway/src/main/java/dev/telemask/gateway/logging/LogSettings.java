package dev.telemask.gateway.logging;

import dev.telemask.gateway.config.ConfigException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the gateway logs: one line of text or one JSON object per event, the level of every logger, and the levels of
 * single loggers or packages ({@code log.level.dev.telemask.storage=debug}).
 *
 * @param format  {@code text} or {@code json}
 * @param level   the level of every logger not named in {@code loggers}
 * @param loggers logger (or package) name to its level, e.g. {@code org.flywaydb} to {@code info}
 */
public record LogSettings(Format format, String level, Map<String, String> loggers) {
    /** The levels a key may name, as Logback knows them. */
    private static final java.util.Set<String> LEVELS = java.util.Set.of("trace", "debug", "info", "warn", "error",
            "off");

    /** One line of text per event, or one JSON object per line. */
    public enum Format { TEXT, JSON }

    /** What a gateway logs before its configuration is read, and without one. */
    public static final LogSettings DEFAULT = new LogSettings(Format.TEXT, "info", Map.of());

    public LogSettings {
        level = level(level, "log.level");
        Map<String, String> checked = new TreeMap<>();
        loggers.forEach((name, value) -> checked.put(name, level(value, "log.level." + name)));
        loggers = Map.copyOf(checked);
    }

    /** Reads {@code text} or {@code json} (any case), naming {@code key} when it is neither. */
    public static Format format(String value, String key) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "text" -> Format.TEXT;
            case "json" -> Format.JSON;
            default -> throw new ConfigException(key + " must be text or json, was '" + value + "'");
        };
    }

    private static String level(String value, String key) {
        String level = value.strip().toLowerCase(Locale.ROOT);
        if (level.equals("warning")) {
            level = "warn";
        }
        if (!LEVELS.contains(level)) {
            throw new ConfigException(key + " must be one of trace, debug, info, warn, error, off; was '" + value
                    + "'");
        }
        return level;
    }
}
