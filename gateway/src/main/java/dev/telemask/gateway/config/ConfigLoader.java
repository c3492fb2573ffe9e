package dev.telemask.gateway.config;

import dev.telemask.gateway.logging.LogSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads {@link GatewayConfig}: built-in defaults, then a properties file, then environment variables, the later
 * winning. The environment variable of key {@code device.max-frame-length} is {@code TELEMASK_DEVICE_MAX_FRAME_LENGTH}.
 * Unknown keys in the file are an error (a typo must not silently leave a default in force). Besides the fixed keys,
 * {@code log.level.NAME} sets the level of logger or package NAME; its variable {@code TELEMASK_LOG_LEVEL_DEV_TELEMASK}
 * names the package in lower case with dots for underscores.
 */
public final class ConfigLoader {
    private static final System.Logger LOG = System.getLogger(ConfigLoader.class.getName());
    /** The prefix of the keys that set one logger's level. */
    static final String LOGGER_LEVEL = "log.level.";
    private static final String LOGGER_LEVEL_ENVIRONMENT = environmentName(LOGGER_LEVEL);

    /** Every key with its default; "" means "not set". The README documents each. */
    static final Map<String, String> DEFAULTS = defaults();

    private ConfigLoader() {}

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("device.host", "0.0.0.0");
        d.put("device.port", "5027");
        d.put("device.udp-port", "5027");
        d.put("device.max-frame-length", "65536");
        d.put("device.idle-timeout", "PT10M");
        d.put("device.max-connections", "20000");
        d.put("device.max-connections-per-address", "64");
        d.put("device.allowed-networks", "");
        d.put("device.handshake-timeout", "PT10S");
        d.put("device.transport", "auto");
        d.put("device.tls.certificate", "");
        d.put("device.tls.key", "");
        d.put("device.auto-register", "false");
        d.put("http.host", "0.0.0.0");
        d.put("http.port", "8080");
        d.put("http.tls.certificate", "");
        d.put("http.tls.key", "");
        d.put("http.tls.reload-interval", "PT10S");
        d.put("db.url", "");
        d.put("db.user", "");
        d.put("db.password", "");
        d.put("db.pool-size", "10");
        d.put("db.embedded-dir", "data/postgres");
        d.put("writer.threads", "2");
        d.put("writer.queue-records", "200000");
        d.put("writer.queue-bytes", String.valueOf(64L * 1024 * 1024));
        d.put("writer.transaction-records", "10000");
        d.put("writer.linger", "PT0.005S");
        d.put("writer.linger-records", "1000");
        d.put("retention.period", "P12M");
        d.put("retention.interval", "PT1H");
        d.put("shutdown.timeout", "PT30S");
        d.put("seal.key-file", "");
        d.put("seal.key", "");
        d.put("privacy.sealed-expiry", "PT24H");
        d.put("privacy.max-future-skew", "PT1H");
        d.put("api.pool-size", "8");
        d.put("api.statement-timeout", "PT60S");
        d.put("api.idle-in-transaction-timeout", "PT60S");
        d.put("api.write-timeout", "PT30S");
        d.put("api.heavy-reads-per-token", "2");
        d.put("api.heavy-reads-per-fleet", "4");
        d.put("metrics.token", "");
        d.put("api.live-clients", "200");
        d.put("console.tile-url", "");
        d.put("console.tile-attribution", "");
        d.put("log.format", "text");
        d.put("log.level", "info");
        d.put("webhooks.max-attempts", "10");
        d.put("webhooks.retry-backoff", "PT10S");
        d.put("webhooks.timeout", "PT10S");
        d.put("forward.kafka.bootstrap-servers", "");
        d.put("forward.kafka.topic", "telemask.positions");
        d.put("forward.kafka.events-topic", "");
        d.put("forward.kafka.properties-file", "");
        return Map.copyOf(d);
    }

    /** The keys, sorted, for help texts. */
    public static Set<String> keys() {
        return new TreeSet<>(DEFAULTS.keySet());
    }

    /** Loads from {@code file} (may be null: no file) and the process environment. */
    public static GatewayConfig load(Path file) {
        return load(file, System.getenv(), Map.of());
    }

    /**
     * Loads from {@code file}, then {@code environment}, then {@code overrides} (e.g. from the command line).
     */
    public static GatewayConfig load(Path file, Map<String, String> environment, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        if (file != null) {
            values.putAll(readFile(file));
        }
        for (String key : DEFAULTS.keySet()) {
            String env = environment.get(environmentName(key));
            if (env != null) {
                values.put(key, env.strip());
            }
        }
        environment.forEach((name, value) -> {
            if (name.startsWith(LOGGER_LEVEL_ENVIRONMENT) && name.length() > LOGGER_LEVEL_ENVIRONMENT.length()) {
                String logger = name.substring(LOGGER_LEVEL_ENVIRONMENT.length()).toLowerCase(Locale.ROOT)
                        .replace('_', '.');
                values.put(LOGGER_LEVEL + logger, value.strip());
            }
        });
        for (String unknown : unknownVariables(environment)) {
            LOG.log(System.Logger.Level.WARNING, unknown);
        }
        overrides.forEach((key, value) -> {
            requireKnown(key, "override");
            values.put(key, value);
        });
        return build(values);
    }

    /** Variables of the {@code telemask} script and tools, not of the gateway's configuration. */
    private static final java.util.Set<String> TOOL_VARIABLES = java.util.Set.of("TELEMASK_JAVA_HOME",
            "TELEMASK_JAVA_OPTS", "TELEMASK_SKIP_BUILD", "TELEMASK_CACHE", "TELEMASK_TOKEN", "TELEMASK_IMAGE");

    /**
     * One warning per {@code TELEMASK_*} variable that sets nothing (a typo such as {@code TELEMASK_HTTP_PROT} would
     * otherwise be ignored in silence), naming the nearest variable that does.
     */
    static java.util.List<String> unknownVariables(Map<String, String> environment) {
        java.util.List<String> known = DEFAULTS.keySet().stream().map(ConfigLoader::environmentName).toList();
        return environment.keySet().stream().sorted()
                .filter(name -> name.startsWith("TELEMASK_") && !known.contains(name) && !TOOL_VARIABLES.contains(name)
                        && !(name.startsWith(LOGGER_LEVEL_ENVIRONMENT) && name.length() > LOGGER_LEVEL_ENVIRONMENT.length()))
                .map(name -> "environment variable " + name + " sets nothing and is ignored; did you mean "
                        + nearest(name, known) + "?")
                .toList();
    }

    private static String nearest(String name, java.util.List<String> known) {
        String best = known.getFirst();
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = editDistance(name, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** {@code device.max-frame-length} → {@code TELEMASK_DEVICE_MAX_FRAME_LENGTH}. */
    public static String environmentName(String key) {
        return "TELEMASK_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            requireKnown(key, file.toString());
            out.put(key, properties.getProperty(key).strip());
        }
        return out;
    }

    private static void requireKnown(String key, String where) {
        if (!DEFAULTS.containsKey(key) && !(key.startsWith(LOGGER_LEVEL) && key.length() > LOGGER_LEVEL.length())) {
            throw new ConfigException("unknown configuration key '" + key + "' in " + where + "; known keys: " + keys());
        }
    }

    private static GatewayConfig build(Map<String, String> v) {
        Values values = new Values(v);
        return new GatewayConfig(
                values.text("device.host"),
                values.integer("device.port"),
                values.integer("device.udp-port"),
                values.integer("device.max-frame-length"),
                values.duration("device.idle-timeout"),
                values.integer("device.max-connections"),
                values.integer("device.max-connections-per-address"),
                SourceNetworks.parse("device.allowed-networks", v.get("device.allowed-networks")),
                values.duration("device.handshake-timeout"),
                values.text("device.transport"),
                values.path("device.tls.certificate"),
                values.path("device.tls.key"),
                values.bool("device.auto-register"),
                values.text("http.host"),
                values.integer("http.port"),
                values.path("http.tls.certificate"),
                values.path("http.tls.key"),
                values.duration("http.tls.reload-interval"),
                values.text("db.url"),
                values.text("db.user"),
                values.text("db.password"),
                values.integer("db.pool-size"),
                values.path("db.embedded-dir"),
                values.integer("writer.threads"),
                values.integer("writer.queue-records"),
                values.longValue("writer.queue-bytes"),
                values.integer("writer.transaction-records"),
                values.duration("writer.linger"),
                values.integer("writer.linger-records"),
                values.period("retention.period"),
                values.duration("retention.interval"),
                values.duration("shutdown.timeout"),
                values.path("seal.key-file"),
                values.text("seal.key"),
                values.duration("privacy.sealed-expiry"),
                values.duration("privacy.max-future-skew"),
                values.integer("api.pool-size"),
                values.duration("api.statement-timeout"),
                values.duration("api.idle-in-transaction-timeout"),
                values.duration("api.write-timeout"),
                values.integer("api.heavy-reads-per-token"),
                values.integer("api.heavy-reads-per-fleet"),
                values.text("metrics.token"),
                values.integer("api.live-clients"),
                values.text("console.tile-url"),
                values.text("console.tile-attribution"),
                logSettings(values),
                values.integer("webhooks.max-attempts"),
                values.duration("webhooks.retry-backoff"),
                values.duration("webhooks.timeout"),
                new KafkaForwarding(values.text("forward.kafka.bootstrap-servers"), values.required("forward.kafka.topic"),
                        values.text("forward.kafka.events-topic"), values.path("forward.kafka.properties-file")));
    }

    private static LogSettings logSettings(Values values) {
        Map<String, String> loggers = new TreeMap<>();
        values.map().forEach((key, value) -> {
            if (key.startsWith(LOGGER_LEVEL)) {
                loggers.put(key.substring(LOGGER_LEVEL.length()), value);
            }
        });
        return new LogSettings(LogSettings.format(values.required("log.format"), "log.format"),
                values.required("log.level"), loggers);
    }

    /** Typed access with error messages that name the key. */
    private record Values(Map<String, String> map) {
        String text(String key) {
            String value = map.get(key);
            return value == null || value.isEmpty() ? null : value;
        }

        Path path(String key) {
            String value = text(key);
            return value == null ? null : Path.of(value);
        }

        int integer(String key) {
            long value = longValue(key);
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw new ConfigException(key + " is out of range: " + value);
            }
            return (int) value;
        }

        long longValue(String key) {
            try {
                return Long.parseLong(required(key));
            } catch (NumberFormatException e) {
                throw new ConfigException(key + " must be a whole number, was '" + map.get(key) + "'");
            }
        }

        boolean bool(String key) {
            return switch (required(key).toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1" -> true;
                case "false", "no", "off", "0" -> false;
                default -> throw new ConfigException(key + " must be true or false, was '" + map.get(key) + "'");
            };
        }

        Duration duration(String key) {
            try {
                return Duration.parse(required(key));
            } catch (DateTimeParseException e) {
                throw new ConfigException(key + " must be an ISO-8601 duration such as PT30S or PT10M, was '"
                        + map.get(key) + "'");
            }
        }

        Period period(String key) {
            try {
                return Period.parse(required(key));
            } catch (DateTimeParseException e) {
                throw new ConfigException(key + " must be an ISO-8601 period such as P12M or P365D, was '"
                        + map.get(key) + "'");
            }
        }

        String required(String key) {
            String value = text(key);
            if (value == null) {
                throw new ConfigException(key + " must be set");
            }
            return value;
        }
    }
}
