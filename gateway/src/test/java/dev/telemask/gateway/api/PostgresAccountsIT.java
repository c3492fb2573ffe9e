package dev.telemask.gateway.api;

import java.time.Clock;

/** Console accounts over HTTP on plain PostgreSQL (embedded). */
class PostgresAccountsIT extends AccountsContract {
    @Override
    ApiTestServer start(Clock clock) {
        return ApiTestServer.start(clock);
    }
}
