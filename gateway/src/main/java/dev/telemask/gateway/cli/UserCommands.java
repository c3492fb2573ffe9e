package dev.telemask.gateway.cli;

import dev.telemask.gateway.account.AccountPolicy;
import dev.telemask.gateway.account.PasswordHashes;
import dev.telemask.gateway.api.Role;
import dev.telemask.storage.query.UserStore;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code telemask user create}: a console user from the shell, above all a new fleet's first admin. The password is
 * read from the terminal (asked twice), from standard input, or from a file; never from the command line, which
 * other users of the machine can read.
 */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = "Console users: create (the password from the terminal, standard input or a file).",
        subcommands = {UserCommands.Create.class})
final class UserCommands {
    @ParentCommand
    Main main;

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a console user of an existing fleet, e.g. its first admin.",
                "The password is asked for on the terminal (twice), or read from the first line of standard input,"
                        + " or of --password-file; it is never an argument."})
    static final class Create implements Callable<Integer> {
        @ParentCommand
        UserCommands parent;

        @Mixin
        DatabaseTool database;

        @Option(names = "--tenant", required = true, paramLabel = "FLEET", description = "the fleet (see tenant create)")
        String tenant;

        @Option(names = "--username", required = true, paramLabel = "NAME",
                description = "letters, digits, '.', '_', '@', '+', '-' (an e-mail address fits); no case")
        String username;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "admin, viewer or driver")
        String role;

        @Option(names = "--device", paramLabel = "IMEI", description = "a driver's vehicle (15 digits)")
        String device;

        @Option(names = "--password-file", paramLabel = "FILE",
                description = "read the password from the first line of FILE instead of the terminal or stdin")
        Path passwordFile;

        @Override
        public Integer call() throws SQLException, IOException {
            Role parsed = RoleOption.role(role);
            Long imei = RoleOption.device(device);
            if ((parsed == Role.DRIVER) != (imei != null)) {
                throw new IllegalArgumentException(parsed == Role.DRIVER ? "a driver needs --device IMEI"
                        : "--device is only for drivers");
            }
            String name = AccountPolicy.username(username);
            String password = AccountPolicy.password(readPassword());
            Main main = parent.main;
            try (ToolDatabases.Opened opened = main.databases.open(database.configFile, database.init, "user")) {
                long tenantId = TenantCommands.fleetForCredentials(opened.dataSource(), tenant);
                String hash = new PasswordHashes(PasswordHashes.Parameters.OWASP).hash(password);
                Optional<Long> id = new UserStore(opened.dataSource()).insert(tenantId, name, parsed.dbName(), imei,
                        hash);
                if (id.isEmpty()) {
                    main.out.println("telemask user: fleet " + tenant + " has a user named '" + name + "' already");
                    return 1;
                }
                main.out.println("created user " + name + " (" + parsed.dbName() + ") in fleet " + tenant
                        + "; sign in to the console with fleet, username and password");
            }
            return 0;
        }

        private String readPassword() throws IOException {
            if (passwordFile != null) {
                return firstLine(Files.newBufferedReader(passwordFile, StandardCharsets.UTF_8), "--password-file");
            }
            Console console = System.console();
            if (interactive(console)) {
                char[] first = console.readPassword("Password for %s: ", username);
                char[] again = console.readPassword("The same again: ");
                if (first == null || again == null || !new String(first).equals(new String(again))) {
                    throw new IllegalArgumentException("the two passwords differ");
                }
                return new String(first);
            }
            return firstLine(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                    "standard input");
        }

        /**
         * True when {@code console} is a terminal a person types at. From Java 22 on, a console exists even when
         * standard input is a pipe (then the password comes from the pipe); Java 21 has none then.
         */
        private static boolean interactive(Console console) {
            if (console == null) {
                return false;
            }
            try {
                return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
            } catch (ReflectiveOperationException e) {
                return true;
            }
        }

        private static String firstLine(BufferedReader reader, String source) throws IOException {
            try (reader) {
                String line = reader.readLine();
                if (line == null || line.isEmpty()) {
                    throw new IllegalArgumentException("no password on the first line of " + source);
                }
                return line;
            }
        }
    }
}
