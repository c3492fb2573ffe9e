package dev.telemask.gateway.api;

import java.util.Locale;

/** What a token may do within its tenant. */
public enum Role {
    /** Everything in the tenant. */
    ADMIN,
    /** Reads devices, policies, tracks and trips. */
    VIEWER,
    /** Bound to one device: reads its data and switches its private mode. */
    DRIVER;

    /** The name stored in {@code api_tokens.role}. */
    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code name} (any case), or null. */
    public static Role parse(String name) {
        for (Role role : values()) {
            if (role.dbName().equalsIgnoreCase(name)) {
                return role;
            }
        }
        return null;
    }
}
