package dev.telemask.gateway.api;

import dev.telemask.storage.query.FleetDevice;
import dev.telemask.storage.query.FleetDeviceStore;

import java.sql.SQLException;

/**
 * Finds the device a request names, as the caller may see it: another tenant's device, and for a driver any device
 * but its own, answers 404 exactly like one that does not exist.
 */
final class DeviceAccess {
    private final FleetDeviceStore devices;

    DeviceAccess(FleetDeviceStore devices) {
        this.devices = devices;
    }

    /** The device of the path's {@code {imei}}; 400 for a malformed IMEI, 404 when the caller cannot see it. */
    FleetDevice require(ApiRequest request) throws SQLException {
        return find(request.caller(), parseImei("imei", request.pathParameter("imei")));
    }

    /** The device {@code imei} as {@code caller} may see it; 404 when it cannot. */
    FleetDevice find(Caller caller, long imei) throws SQLException {
        if (caller.role() == Role.DRIVER && caller.device() != imei) {
            throw notFound(imei);
        }
        return devices.find(caller.tenantId(), imei).orElseThrow(() -> notFound(imei));
    }

    static ApiError notFound(long imei) {
        return ApiError.notFound("device " + imei);
    }

    /** An IMEI: exactly 15 digits. */
    static long parseImei(String parameter, String value) {
        if (value == null || value.length() != 15 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw ApiError.badRequest(parameter, "an IMEI is exactly 15 digits, got \""
                    + RangeParameters.shortened(value) + "\"");
        }
        long imei = Long.parseLong(value);
        if (imei == 0) {
            throw ApiError.badRequest(parameter, "an IMEI is not all zeros");
        }
        return imei;
    }
}
