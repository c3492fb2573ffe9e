package dev.telemask.privacy;

/** One reason a policy document was rejected: the JSON path of the field and what is wrong with it. */
public record PolicyError(String field, String reason) {
    @Override
    public String toString() {
        return field + ": " + reason;
    }
}
