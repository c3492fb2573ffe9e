package dev.telemask.gateway.api;

import java.time.Clock;

/** Console accounts over HTTP on real TimescaleDB; skipped, with the reason, without one. */
class TimescaleAccountsIT extends AccountsContract {
    @Override
    ApiTestServer start(Clock clock) {
        return ApiTestServer.startOnTimescale(clock);
    }
}
