package dev.telemask.privacy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy document that is not valid, with every error found (field path and reason). */
public final class PolicyValidationException extends IllegalArgumentException {
    private final transient List<PolicyError> errors;

    public PolicyValidationException(List<PolicyError> errors) {
        super("invalid policy: " + errors.stream().map(PolicyError::toString).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<PolicyError> errors() {
        return errors;
    }
}
