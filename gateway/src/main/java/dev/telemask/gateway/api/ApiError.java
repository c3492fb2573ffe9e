package dev.telemask.gateway.api;

import java.util.List;

/**
 * An error the caller caused or must know about, answered as JSON {@code {"error", "message", "parameter"?,
 * "errors"?}}
 * with the status. Thrown anywhere in a handler; never carries a stack trace to the client.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;
    private final String parameter;
    private final List<FieldError> fields;
    private final int retryAfterSeconds;

    /** One field of a request body that is wrong, and why. */
    public record FieldError(String parameter, String reason) {
    }

    private ApiError(int status, String code, String parameter, String message, List<FieldError> fields,
                     int retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.parameter = parameter;
        this.fields = List.copyOf(fields);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    private ApiError(int status, String code, String parameter, String message) {
        this(status, code, parameter, message, List.of(), 0);
    }

    /** A body with several wrong fields, each listed. */
    public static ApiError invalid(String parameter, String reason, List<FieldError> fields) {
        return new ApiError(400, "bad_request", parameter, reason, fields, 0);
    }

    public static ApiError badRequest(String parameter, String reason) {
        return new ApiError(400, "bad_request", parameter, reason);
    }

    public static ApiError unauthorized(String reason) {
        return new ApiError(401, "unauthorized", null, reason);
    }

    public static ApiError forbidden(String reason) {
        return new ApiError(403, "forbidden", null, reason);
    }

    public static ApiError notFound(String what) {
        return new ApiError(404, "not_found", null, what + " not found");
    }

    public static ApiError methodNotAllowed(String method, String path) {
        return new ApiError(405, "method_not_allowed", null, method + " is not allowed on " + path);
    }

    public static ApiError conflict(String parameter, String reason) {
        return new ApiError(409, "conflict", parameter, reason);
    }

    public static ApiError tooLarge(String reason) {
        return new ApiError(413, "payload_too_large", null, reason);
    }

    public static ApiError unsupportedMediaType(String reason) {
        return new ApiError(415, "unsupported_media_type", "Content-Type", reason);
    }

    /** Too many calls of this kind under way for the caller; try again after {@code retryAfterSeconds}. */
    public static ApiError tooManyRequests(String reason, int retryAfterSeconds) {
        return new ApiError(429, "too_many_requests", null, reason, List.of(), retryAfterSeconds);
    }

    /** The account is locked out for now (423); try again after {@code retryAfterSeconds}. */
    public static ApiError locked(String reason, int retryAfterSeconds) {
        return new ApiError(423, "locked", null, reason, List.of(), retryAfterSeconds);
    }

    /** Something went wrong on our side; the details are in the log, not in the answer. */
    public static ApiError internal() {
        return new ApiError(500, "internal", null, "internal error");
    }

    public static ApiError unavailable(String reason) {
        return new ApiError(503, "unavailable", null, reason);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The request parameter or body field at fault, or null. */
    public String parameter() {
        return parameter;
    }

    /** Seconds the client should wait before trying again (the Retry-After header), 0 for none. */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The fields at fault when there are several; empty otherwise. */
    public List<FieldError> fields() {
        return fields;
    }
}
