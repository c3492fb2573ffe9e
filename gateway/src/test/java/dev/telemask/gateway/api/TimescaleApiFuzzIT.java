package dev.telemask.gateway.api;

import java.time.Clock;

/** {@link ApiFuzzContract} on real TimescaleDB; skipped, with the reason, without one. */
class TimescaleApiFuzzIT extends ApiFuzzContract {
    @Override
    ApiTestServer start(Clock clock) {
        return ApiTestServer.startOnTimescale(clock);
    }
}
