package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;

/** A role from a request body, with the device a driver is bound to (and only a driver): for tokens and users. */
record RoleAndDevice(Role role, Long device) {
    /** Reads {@code role} and {@code device} of {@code body}; 400 naming the field when they are wrong or misfit. */
    static RoleAndDevice of(JsonNode body, String whose) {
        JsonNode roleNode = body.get("role");
        Role role = roleNode != null && roleNode.isTextual() ? Role.parse(roleNode.asText()) : null;
        if (role == null) {
            throw ApiError.badRequest("role", "is required: admin, viewer or driver");
        }
        JsonNode deviceNode = body.get("device");
        Long device = null;
        if (deviceNode != null && !deviceNode.isNull()) {
            device = DeviceAccess.parseImei("device", deviceNode.isIntegralNumber() || deviceNode.isTextual()
                    ? deviceNode.asText() : "?");
        }
        if ((role == Role.DRIVER) != (device != null)) {
            throw ApiError.badRequest("device", role == Role.DRIVER
                    ? "is required for a driver " + whose + ": the IMEI of the driver's vehicle"
                    : "is only for driver " + whose + "s");
        }
        return new RoleAndDevice(role, device);
    }
}
