package dev.telemask.simulator;

import java.net.URI;
import java.util.Objects;

/**
 * Where {@code simulate --register} registers the fleet's IMEIs: the gateway's fleet API and an admin token of the
 * fleet that should own the simulated devices.
 *
 * @param api   the gateway's HTTP base, e.g. {@code http://127.0.0.1:8080} (the API is under {@code /api/v1})
 * @param token a bearer token with the admin role
 */
public record RegistrationTarget(URI api, String token) {
    public RegistrationTarget {
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(token, "token");
    }
}
