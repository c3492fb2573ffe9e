package dev.telemask.gateway;

import io.netty.channel.uring.IoUring;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** The ingest promises with the device sockets on io_uring ({@code device.transport=io_uring}), TCP and UDP. */
class IoUringIngestIT extends IngestContract {
    @Override
    TestDatabase database() {
        return TestDatabase.EMBEDDED;
    }

    @Override
    Map<String, String> configuration() {
        Assumptions.assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available here: "
                + IoUring.unavailabilityCause());
        return Map.of("device.transport", "io_uring");
    }
}
