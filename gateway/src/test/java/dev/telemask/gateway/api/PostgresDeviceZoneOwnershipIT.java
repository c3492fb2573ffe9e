package dev.telemask.gateway.api;

import java.time.Clock;

/** Who may change a driver's zone, over HTTP on plain PostgreSQL (embedded). */
class PostgresDeviceZoneOwnershipIT extends DeviceZoneOwnershipContract {
    @Override
    ApiTestServer start(Clock clock) {
        return ApiTestServer.start(clock);
    }
}
