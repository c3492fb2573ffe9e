package dev.telemask.gateway.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code telemask migrate}: applies the database migrations and exits ({@code serve} also does at start). */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Apply the database migrations to the database serve uses, and exit.")
final class MigrateCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    DatabaseTool database;

    @Override
    public Integer call() {
        try (ToolDatabases.Opened opened = main.databases.open(database.configFile, database.init, "migrate")) {
            main.out.println("telemask: " + opened.migrationsApplied() + " migrations applied");
        }
        return 0;
    }
}
