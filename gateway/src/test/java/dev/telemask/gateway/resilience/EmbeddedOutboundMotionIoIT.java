package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** Speed and distance IO elements of private and coarsened records, on the Embedded database. */
class EmbeddedOutboundMotionIoIT extends OutboundMotionIo {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.EMBEDDED;
    }
}
