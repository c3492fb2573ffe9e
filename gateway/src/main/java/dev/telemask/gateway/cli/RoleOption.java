package dev.telemask.gateway.cli;

import dev.telemask.gateway.api.Role;

/** The {@code --role} and {@code --device} options of {@code token create} and {@code user create}, checked. */
final class RoleOption {
    private RoleOption() {
    }

    static Role role(String role) {
        Role parsed = Role.parse(role);
        if (parsed == null) {
            throw new IllegalArgumentException("--role must be admin, viewer or driver, got '" + role + "'");
        }
        return parsed;
    }

    /** The IMEI of {@code --device}, or null when not given. */
    static Long device(String device) {
        if (device == null) {
            return null;
        }
        if (!device.matches("[0-9]{15}")) {
            throw new IllegalArgumentException("--device must be an IMEI of 15 digits, got '" + device + "'");
        }
        return Long.parseLong(device);
    }
}
