package dev.telemask.gateway.api;

import java.time.Clock;

/** {@link ApiFuzzContract} on plain PostgreSQL (embedded). */
class PostgresApiFuzzIT extends ApiFuzzContract {
    @Override
    ApiTestServer start(Clock clock) {
        return ApiTestServer.start(clock);
    }
}
