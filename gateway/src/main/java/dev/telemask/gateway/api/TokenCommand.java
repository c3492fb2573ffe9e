package dev.telemask.gateway.api;

import java.io.PrintStream;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * {@code telemask token create|revoke|list}: makes and revokes the fleet API's bearer tokens from the console. The
 * clear token is printed once, at creation; only its hash is stored.
 */
public final class TokenCommand {
    static final String USAGE = """
            usage: telemask token create --tenant T --role admin|viewer|driver [--device IMEI] [--name N]
                   telemask token revoke ID|PREFIX
                   telemask token list --tenant T
            Each also takes --config FILE (as serve does) and --init (create the embedded database if there is none).
            """;

    private TokenCommand() {
    }

    /**
     * Runs the command against a migrated database; {@code args} may start with the word {@code token} or after
     * it. Returns the exit code: 0 done, 1 nothing done (no such token, database error), 2 usage error.
     */
    public static int run(String[] args, DataSource dataSource, PrintStream out) {
        if (args.length > 0 && args[0].equals("token")) {
            args = Arrays.copyOfRange(args, 1, args.length);
        }
        if (args.length == 0) {
            out.print(USAGE);
            return 2;
        }
        ApiTokens tokens = new ApiTokens(dataSource);
        try {
            return switch (args[0]) {
                case "create" -> create(tokens, options(args, Set.of("--tenant", "--role", "--device", "--name")), out);
                case "revoke" -> revoke(tokens, args, out);
                case "list" -> list(tokens, options(args, Set.of("--tenant")), out);
                default -> usage(out, "unknown token command '" + args[0] + "'");
            };
        } catch (IllegalArgumentException e) {
            return usage(out, e.getMessage());
        } catch (SQLException e) {
            out.println("telemask token: database error: " + e.getMessage());
            return 1;
        }
    }

    private static int create(ApiTokens tokens, Map<String, String> options, PrintStream out) throws SQLException {
        String tenant = required(options, "--tenant");
        Role role = Role.parse(required(options, "--role"));
        if (role == null) {
            throw new IllegalArgumentException("--role must be admin, viewer or driver");
        }
        Long device = options.containsKey("--device")
                ? imei(options.get("--device")) : null;
        ApiTokens.Created created = tokens.create(tenant, role, device, options.get("--name"));
        out.println(created.token());
        out.println("# token " + created.id() + " (" + created.prefix() + "...) for tenant " + tenant + ", role "
                + role.dbName() + (device == null ? "" : ", device " + device)
                + ". Shown once: only its hash is stored.");
        return 0;
    }

    private static int revoke(ApiTokens tokens, String[] args, PrintStream out) throws SQLException {
        if (args.length != 2) {
            throw new IllegalArgumentException("token revoke takes one token id or prefix");
        }
        if (!tokens.revoke(args[1])) {
            out.println("telemask token: no live token " + args[1]);
            return 1;
        }
        out.println("revoked " + args[1]);
        return 0;
    }

    private static int list(ApiTokens tokens, Map<String, String> options, PrintStream out) throws SQLException {
        out.println("id\tprefix\trole\tdevice\tname\tcreated\trevoked");
        for (ApiTokens.Listed t : tokens.list(required(options, "--tenant"))) {
            out.println(t.id() + "\t" + t.prefix() + "\t" + t.role().dbName() + "\t"
                    + (t.device() == null ? "-" : t.device()) + "\t" + t.name() + "\t" + t.createdAt() + "\t"
                    + (t.revokedAt() == null ? "-" : t.revokedAt()));
        }
        return 0;
    }

    private static Map<String, String> options(String[] args, Set<String> allowed) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!allowed.contains(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            options.put(args[i], args[++i]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    private static int usage(PrintStream out, String problem) {
        out.println("telemask token: " + problem);
        out.print(USAGE);
        return 2;
    }

    /** An IMEI argument, by the API's rule (15 digits). */
    private static long imei(String value) {
        try {
            return DeviceAccess.parseImei("--device", value);
        } catch (ApiError e) {
            throw new IllegalArgumentException("--device: " + e.getMessage());
        }
    }
}
