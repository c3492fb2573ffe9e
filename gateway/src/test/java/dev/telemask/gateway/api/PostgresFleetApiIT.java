package dev.telemask.gateway.api;

import java.time.Clock;

/** The fleet API over HTTP on plain PostgreSQL (embedded). */
class PostgresFleetApiIT extends FleetApiContract {
    @Override
    ApiTestServer start(Clock clock) {
        return ApiTestServer.start(clock);
    }
}
