package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemask.storage.query.FleetDevice;
import dev.telemask.storage.query.FleetDeviceStore;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * {@code /devices/{imei}/private-mode}: the driver's switch. While on, every record of the device is private; the
 * running gateways hear of the change through the devices trigger.
 */
final class PrivateModeResource {
    /** A forgotten switch must not hide a vehicle for ever. */
    static final Duration MAX_PRIVATE = Duration.ofDays(31);

    private final FleetDeviceStore devices;
    private final DeviceAccess access;
    private final AuditTrail audit;
    private final Clock clock;

    PrivateModeResource(FleetDeviceStore devices, DeviceAccess access, AuditTrail audit, Clock clock) {
        this.devices = devices;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    void register(Router router, Set<Role> switchers) {
        router.add("POST", "/devices/{imei}/private-mode", switchers, this::on)
                .add("DELETE", "/devices/{imei}/private-mode", switchers, this::off);
    }

    private void on(ApiRequest request) throws SQLException {
        FleetDevice device = access.require(request);
        JsonNode until = request.jsonBody().get("until");
        if (until == null || !until.isTextual()) {
            throw ApiError.badRequest("until", "is required, an ISO-8601 time such as 2026-01-31T18:00:00Z");
        }
        Instant end = RangeParameters.parseInstant("until", until.asText());
        Instant now = clock.instant();
        if (!end.isAfter(now)) {
            throw ApiError.badRequest("until", "must be in the future");
        }
        if (end.isAfter(now.plus(MAX_PRIVATE))) {
            throw ApiError.badRequest("until", "must be at most " + MAX_PRIVATE.toDays() + " days ahead");
        }
        Caller caller = request.caller();
        if (!devices.setPrivateUntil(caller.tenantId(), device.imei(), end, audit.switched(caller,
                "private-mode.on", device.imei(), ApiRequest.JSON.createObjectNode().put("until", end.toString())))) {
            throw DeviceAccess.notFound(device.imei());
        }
        respond(request, device);
    }

    /**
     * Ends the switch now rather than forgetting it: a gateway that masks a record received before this call again
     * after it (its write refused as stale) still finds the record was received while private mode was on.
     */
    private void off(ApiRequest request) throws SQLException {
        FleetDevice device = access.require(request);
        Caller caller = request.caller();
        if (!devices.endPrivateMode(caller.tenantId(), device.imei(), clock.instant(),
                audit.switched(caller, "private-mode.off", device.imei(), null))) {
            throw DeviceAccess.notFound(device.imei());
        }
        respond(request, device);
    }

    private void respond(ApiRequest request, FleetDevice device) throws SQLException {
        Caller caller = request.caller();
        request.respond(200, DeviceJson.of(devices.find(caller.tenantId(), device.imei()).orElseThrow()));
    }
}
