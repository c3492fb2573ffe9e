package dev.telemask.gateway.api;

import java.time.Clock;

/** Who may change a driver's zone, over HTTP on real TimescaleDB; skipped, with the reason, without one. */
class TimescaleDeviceZoneOwnershipIT extends DeviceZoneOwnershipContract {
    @Override
    ApiTestServer start(Clock clock) {
        return ApiTestServer.startOnTimescale(clock);
    }
}
