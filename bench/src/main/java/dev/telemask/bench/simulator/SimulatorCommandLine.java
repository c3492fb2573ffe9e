package dev.telemask.bench.simulator;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** Parses the arguments of {@code telemask simulate} into {@link SimulateArguments}. */
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
              --register             register the fleet's IMEIs through the fleet API before driving them; devices
                                     already in the fleet are left as they are, ones of another fleet are reported
              --api URL              the gateway's HTTP address for --register (default http://HOST:8080)
              --token T              an admin token of the fleet to register into (default $TELEMASK_TOKEN)
            The last line printed is the report as JSON. Exit code 0 when every record sent was acknowledged.""";

    private SimulatorCommandLine() {}

    /** The fleet's options alone; throws {@link IllegalArgumentException} with a message fit for the user. */
    public static SimulatorOptions parse(String... args) {
        return parseCommand(null, args).fleet();
    }

    /**
     * Every argument, {@code --register} included; {@code environmentToken} is {@code $TELEMASK_TOKEN} (or null).
     * Throws {@link IllegalArgumentException} with a message fit for the user on any bad argument.
     */
    public static SimulateArguments parseCommand(String environmentToken, String... args) {
        SimulatorOptions.Builder options = SimulatorOptions.builder();
        boolean register = false;
        String api = null;
        String token = environmentToken == null || environmentToken.isBlank() ? null : environmentToken;
        String host = "127.0.0.1";
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--tls")) {
                options.tls(true);
                continue;
            }
            if (name.equals("--register")) {
                register = true;
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
                case "--host" -> options.host(host = value);
                case "--api" -> api = value;
                case "--token" -> token = value;
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
        SimulatorOptions fleet = options.build();
        if (!register) {
            if (api != null) {
                throw new IllegalArgumentException("--api is only for --register");
            }
            return new SimulateArguments(fleet, Optional.empty());
        }
        if (token == null) {
            throw new IllegalArgumentException("--register needs an admin token of the fleet: --token T (or"
                    + " TELEMASK_TOKEN), e.g. from ./telemask token create --tenant demo --role admin");
        }
        return new SimulateArguments(fleet, Optional.of(new RegistrationTarget(apiAddress(api, host), token)));
    }

    private static URI apiAddress(String api, String host) {
        String text = api != null ? api : "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":8080";
        try {
            URI uri = new URI(text);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new URISyntaxException(text, "not an http(s) address");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--api wants the gateway's HTTP address like http://127.0.0.1:8080, got '"
                    + text + "'");
        }
    }

    /** A duration such as {@code 500ms}, {@code 90s}, {@code 5m} or {@code 1h}; a bare number means seconds. */
    public static Duration duration(String name, String value) {
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
