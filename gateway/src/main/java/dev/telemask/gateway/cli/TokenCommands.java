package dev.telemask.gateway.cli;

import dev.telemask.gateway.api.ApiTokens;
import dev.telemask.gateway.api.Role;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code telemask token create|list|revoke}: the fleet API's bearer tokens from the shell, e.g. a new fleet's first
 * admin token. The clear token is printed once, at creation; only its hash is stored.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "API tokens: create (shown once; only a hash is stored), list, revoke.",
        subcommands = {TokenCommands.Create.class, TokenCommands.ListAll.class, TokenCommands.Revoke.class})
final class TokenCommands {
    static final Duration MAX_EXPIRY = Duration.ofDays(366);

    @ParentCommand
    Main main;

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Make a token of an existing fleet.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        TokenCommands parent;

        @Mixin
        DatabaseTool database;

        @Option(names = "--tenant", required = true, paramLabel = "FLEET", description = "the fleet (see tenant create)")
        String tenant;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "admin, viewer or driver")
        String role;

        @Option(names = "--device", paramLabel = "IMEI", description = "a driver token's vehicle (15 digits)")
        String device;

        @Option(names = "--name", paramLabel = "NAME", description = "who uses it (default: the role)")
        String name;

        @Option(names = "--expires-in", paramLabel = "DURATION", defaultValue = "P90D",
                description = "ISO-8601 duration until it stops working, at most P366D (default: ${DEFAULT-VALUE})")
        Duration expiresIn;

        @Override
        public Integer call() throws SQLException {
            Role parsed = RoleOption.role(role);
            Long imei = RoleOption.device(device);
            if (expiresIn.isNegative() || expiresIn.isZero() || expiresIn.compareTo(MAX_EXPIRY) > 0) {
                throw new IllegalArgumentException("--expires-in must be above zero and at most P366D");
            }
            Main main = parent.main;
            try (ToolDatabases.Opened opened = main.databases.open(database.configFile, database.init, "token")) {
                TenantCommands.fleetForCredentials(opened.dataSource(), tenant);
                // Made by the operator, not through the API: it has no maker to follow (see ApiTokens).
                ApiTokens.Created created = new ApiTokens(opened.dataSource())
                        .create(tenant, parsed, imei, name, expiresIn);
                main.out.println(created.token());
                main.out.println("# token " + created.id() + " (" + created.prefix() + "...) for fleet " + tenant
                        + ", role " + parsed.dbName() + (imei == null ? "" : ", device " + imei) + ", expires "
                        + created.expiresAt() + ". Shown once: only its hash is stored.");
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a fleet's tokens (never secrets).")
    static final class ListAll implements Callable<Integer> {
        @ParentCommand
        TokenCommands parent;

        @Mixin
        DatabaseTool database;

        @Option(names = "--tenant", required = true, paramLabel = "FLEET")
        String tenant;

        @Override
        public Integer call() throws SQLException {
            Main main = parent.main;
            try (ToolDatabases.Opened opened = main.databases.open(database.configFile, database.init, "token")) {
                main.out.println("id\tprefix\trole\tdevice\tname\tcreated\texpires\trevoked");
                for (ApiTokens.Listed t : new ApiTokens(opened.dataSource()).list(tenant)) {
                    main.out.println(t.id() + "\t" + t.prefix() + "\t" + t.role().dbName() + "\t"
                            + (t.device() == null ? "-" : t.device()) + "\t" + t.name() + "\t" + t.createdAt() + "\t"
                            + (t.expiresAt() == null ? "-" : t.expiresAt()) + "\t"
                            + (t.revokedAt() == null ? "-" : t.revokedAt()));
                }
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token by its id or prefix.")
    static final class Revoke implements Callable<Integer> {
        @ParentCommand
        TokenCommands parent;

        @Mixin
        DatabaseTool database;

        @Parameters(paramLabel = "ID|PREFIX", description = "the token's id, or its first characters (tmk_...)")
        String token;

        @Override
        public Integer call() throws SQLException {
            Main main = parent.main;
            try (ToolDatabases.Opened opened = main.databases.open(database.configFile, database.init, "token")) {
                if (!new ApiTokens(opened.dataSource()).revoke(token)) {
                    main.out.println("telemask token: no live token " + token);
                    return 1;
                }
            }
            main.out.println("revoked " + token);
            return 0;
        }
    }
}
