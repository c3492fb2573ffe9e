package dev.telemask.bench.simulator;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/** Parses the arguments of {@code telemask simulate} into {@link SimulatorOptions}. */
public final class SimulatorCommandLine {
    public static final String USAGE = """
            usage: telemask simulate --devices N --rate R --duration D --host H --port P [options]
              --devices N            simulated devices, one connection each (default 100)
              --rate R               aggregate records/s across the fleet (default 1000)
              --duration D           how long to send, e.g. 90s, 5m, 1h, 500ms (default 60s)
              --host H               the gateway's host (default 127.0.0.1)
              --port P               the gateway's device port (default 5027)
              --records-per-frame K  records per Codec 8E frame, 1..255 (default 5)
              --imei-base B          IMEI of the first device; the rest follow contiguously (default 350000000000000)
              --tls                  connect with TLS (trusts any server certificate)
              --ack-timeout T        wait for a reply before reconnecting and resending (default 30s)
              --connect-rate C       new connections per second while ramping up (default 1000)
              --drain T              after the duration, how long to wait for outstanding ACKs (default 60s)
              --report-interval T    period of the progress lines (default 5s)
              --seed S               seeds the routes (default 1)
            The last line printed is the report as JSON. Exit code 0 when every record sent was acknowledged.""";

    private SimulatorCommandLine() {}

    /** Throws {@link IllegalArgumentException} with a message fit for the user on any bad argument. */
    public static SimulatorOptions parse(String... args) {
        SimulatorOptions.Builder options = SimulatorOptions.builder();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--tls")) {
                options.tls(true);
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name.startsWith("--") ? name + " needs a value" : "unexpected argument " + name);
            }
            String value = args[++i];
            switch (name) {
                case "--devices" -> options.devices(integer(name, value));
                case "--rate" -> options.recordsPerSecond(decimal(name, value));
                case "--duration" -> options.duration(duration(name, value));
                case "--host" -> options.host(value);
                case "--port" -> options.port(integer(name, value));
                case "--records-per-frame" -> options.recordsPerFrame(integer(name, value));
                case "--imei-base" -> options.imeiBase(longInteger(name, value));
                case "--ack-timeout" -> options.ackTimeout(duration(name, value));
                case "--connect-rate" -> options.connectRate(decimal(name, value));
                case "--drain" -> options.drainTimeout(duration(name, value));
                case "--report-interval" -> options.reportInterval(duration(name, value));
                case "--seed" -> options.seed(longInteger(name, value));
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        return options.build();
    }

    /** A duration such as {@code 500ms}, {@code 90s}, {@code 5m} or {@code 1h}; a bare number means seconds. */
    static Duration duration(String name, String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (text.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            }
            long amount = Long.parseLong(text.replaceFirst("[smh]$", ""));
            return switch (text.charAt(text.length() - 1)) {
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> Duration.ofSeconds(amount);
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(name + " wants a duration like 500ms, 90s, 5m or 1h, got '" + value + "'");
        }
    }

    private static int integer(String name, String value) {
        return number(name, value, Integer::parseInt, "a whole number");
    }

    private static long longInteger(String name, String value) {
        return number(name, value, Long::parseLong, "a whole number");
    }

    private static double decimal(String name, String value) {
        return number(name, value, Double::parseDouble, "a number");
    }

    private static <T> T number(String name, String value, Function<String, T> parse, String what) {
        try {
            return parse.apply(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " wants " + what + ", got '" + value + "'");
        }
    }
}
