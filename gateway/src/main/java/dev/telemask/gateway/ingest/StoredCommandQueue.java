package dev.telemask.gateway.ingest;

import dev.telemask.storage.query.DeviceCommands;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/** {@link CommandQueue} on the database, asked on the device look-up threads (commands are rare). */
final class StoredCommandQueue implements CommandQueue {
    /** How long a sent command waits for its answer before the next one may go. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

    private interface Call<T> {
        T run() throws SQLException;
    }

    private final DeviceCommands commands;
    private final Executor database;

    StoredCommandQueue(DeviceCommands commands, Executor database) {
        this.commands = commands;
        this.database = database;
    }

    @Override
    public CompletableFuture<Optional<DeviceCommands.Claimed>> claimNext(long imei) {
        return ask(() -> commands.claimNext(imei, ANSWER_TIMEOUT));
    }

    @Override
    public CompletableFuture<Void> answered(long id, String answer, String treatment, long switchVersion) {
        return ask(() -> {
            commands.answered(id, answer, treatment, switchVersion);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> unclaim(long id) {
        return ask(() -> {
            commands.unclaim(id);
            return null;
        });
    }

    private <T> CompletableFuture<T> ask(Call<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.run();
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, database);
    }
}
