package dev.telemask.gateway.api;

import java.time.Clock;

/** The fleet API over HTTP on real TimescaleDB (positions a hypertable); skipped, with the reason, without one. */
class TimescaleFleetApiIT extends FleetApiContract {
    @Override
    ApiTestServer start(Clock clock) {
        return ApiTestServer.startOnTimescale(clock);
    }
}
