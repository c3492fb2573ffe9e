package dev.telemask.gateway.cli;

import dev.telemask.storage.IngestDeviceLookup;
import dev.telemask.storage.query.Tenants;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code telemask tenant create|list}: fleets are made explicitly, never by a mistyped name elsewhere. */
@Command(name = "tenant", mixinStandardHelpOptions = true, description = "Fleets (tenants): create, list.",
        subcommands = {TenantCommands.Create.class, TenantCommands.ListAll.class})
final class TenantCommands {
    /** Letters, digits, '.', '_' and '-', starting with a letter or digit. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    @ParentCommand
    Main main;

    /**
     * The id of the existing fleet {@code name}, for a command that makes a credential in it. The quarantine, where
     * ingest parks unknown devices, is no fleet: any fleet's admin claims a device from it with what is stored of it,
     * so a credential of the quarantine could lift a device's restriction there and hand its records to whoever
     * claims it.
     *
     * @throws IllegalArgumentException when there is no such fleet, or it is the quarantine
     */
    static long fleetForCredentials(DataSource dataSource, String name) throws SQLException {
        refuseReserved(name);
        return new Tenants(dataSource).find(name).orElseThrow(() -> new IllegalArgumentException("no fleet '" + name
                + "'; create it first: ./telemask tenant create " + name));
    }

    private static void refuseReserved(String name) {
        if (IngestDeviceLookup.QUARANTINE_TENANT.equals(name)) {
            throw new IllegalArgumentException("'" + name + "' is reserved: the gateway parks unknown devices there"
                    + " (device.auto-register), and any fleet's admin claims them from it; it holds no users or tokens");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a fleet.")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        TenantCommands parent;

        @Mixin
        DatabaseTool database;

        @Parameters(paramLabel = "NAME", description = "the fleet's name: letters, digits, '.', '_', '-'")
        String name;

        @Override
        public Integer call() throws SQLException {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("a fleet's name is 1 to 64 letters, digits, '.', '_' or '-',"
                        + " starting with a letter or digit; got '" + name + "'");
            }
            // A fleet of this name would have its devices claimed by any other fleet's admin.
            refuseReserved(name);
            Main main = parent.main;
            try (ToolDatabases.Opened opened = main.databases.open(database.configFile, database.init, "tenant")) {
                if (new Tenants(opened.dataSource()).create(name).isEmpty()) {
                    main.out.println("telemask tenant: a fleet named '" + name + "' exists already");
                    return 1;
                }
            }
            main.out.println("created fleet " + name + "; its first admin: ./telemask user create --tenant " + name
                    + " --username NAME --role admin (or a token: ./telemask token create --tenant " + name
                    + " --role admin --name NAME)");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the fleets.")
    static final class ListAll implements Callable<Integer> {
        @ParentCommand
        TenantCommands parent;

        @Mixin
        DatabaseTool database;

        @Override
        public Integer call() throws SQLException {
            Main main = parent.main;
            try (ToolDatabases.Opened opened = main.databases.open(database.configFile, database.init, "tenant")) {
                main.out.println("name\tdevices\tlive tokens\tcreated");
                for (Tenants.Tenant t : new Tenants(opened.dataSource()).list()) {
                    main.out.println(t.name() + "\t" + t.devices() + "\t" + t.liveTokens() + "\t" + t.createdAt());
                }
            }
            return 0;
        }
    }
}
