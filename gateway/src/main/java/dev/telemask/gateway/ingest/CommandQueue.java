package dev.telemask.gateway.ingest;

import dev.telemask.storage.query.DeviceCommands;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The commands waiting for devices: the database's {@link DeviceCommands}, or a stand-in in unit tests. */
interface CommandQueue {
    /** The device's next command to send, claimed for this connection, or empty. Completes on another thread. */
    CompletableFuture<Optional<DeviceCommands.Claimed>> claimNext(long imei);

    /** Stores the (masked) answer to a sent command ({@link DeviceCommands#answered}). */
    CompletableFuture<Void> answered(long id, String answer, String treatment, long switchVersion);

    /** Returns a claimed command to the queue: it did not go out. */
    CompletableFuture<Void> unclaim(long id);

    /** No commands ever: for sessions without a database. */
    CommandQueue NONE = new CommandQueue() {
        @Override
        public CompletableFuture<Optional<DeviceCommands.Claimed>> claimNext(long imei) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public CompletableFuture<Void> answered(long id, String answer, String treatment, long switchVersion) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> unclaim(long id) {
            return CompletableFuture.completedFuture(null);
        }
    };
}
