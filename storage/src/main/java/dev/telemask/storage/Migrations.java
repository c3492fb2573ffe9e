package dev.telemask.storage;

import dev.telemask.storage.migration.V2__PositionsTimeLayout;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;

/** Brings a database's schema up to date (Flyway); run at gateway start-up and by {@code telemask migrate}. */
public final class Migrations {
    private Migrations() {
    }

    /**
     * Applies the pending migrations and returns how many ran. Safe to call concurrently from several gateway
     * instances: Flyway serialises them with a lock in the database.
     */
    public static int migrate(DataSource dataSource) {
        MigrateResult result = flyway(dataSource).migrate();
        return result.migrationsExecuted;
    }

    static Flyway flyway(DataSource dataSource) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                // Registered explicitly rather than found by scanning, so a shaded jar cannot lose it.
                .javaMigrations(new V2__PositionsTimeLayout())
                // The gateway never wipes a database by mistake.
                .cleanDisabled(true)
                .load();
    }
}
