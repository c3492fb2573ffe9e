package dev.telemask.gateway.resilience;

import dev.telemask.gateway.TestDatabase;

/** Speed and distance IO elements of private and coarsened records, on the Timescale database. */
class TimescaleOutboundMotionIoIT extends OutboundMotionIo {
    @Override
    protected TestDatabase testDatabase() {
        return TestDatabase.TIMESCALEDB;
    }
}
