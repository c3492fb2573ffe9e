package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Turns whatever a handler threw into the error the client sees: its own {@link ApiError}s as they are, a database
 * that is away as 503, anything else as a bare 500 (logged here, with its stack trace, never sent).
 */
final class ErrorMapping {
    private static final Logger LOG = System.getLogger(ErrorMapping.class.getName());

    private ErrorMapping() {
    }

    static ApiError map(Throwable failure, String route) {
        Throwable cause = unwrap(failure);
        if (cause instanceof ApiError error) {
            return error;
        }
        if (cause instanceof SQLException sql && sql.getSQLState() != null) {
            String state = sql.getSQLState();
            if (state.equals("57014") || state.equals("25P03")) {
                LOG.log(Level.WARNING, "{0}: cut by the API's database timeouts: {1}", route, cause.toString());
                return ApiError.unavailable("the query took longer than the API allows; ask for a shorter range");
            }
            if (state.startsWith("22")) {
                // A value the database cannot take (out of range, overflow): the input's fault, not ours.
                LOG.log(Level.INFO, "{0}: data exception: {1}", route, cause.toString());
                return ApiError.badRequest(null, "a value of the request is out of range");
            }
        }
        if (isDatabaseAway(cause)) {
            LOG.log(Level.WARNING, "{0}: database unavailable: {1}", route, cause.toString());
            return ApiError.unavailable("the database is not available; try again shortly");
        }
        LOG.log(Level.ERROR, route + " failed", cause);
        return ApiError.internal();
    }

    static ObjectNode body(ApiError error) {
        ObjectNode body = ApiRequest.JSON.createObjectNode();
        body.put("error", error.code());
        body.put("message", error.getMessage());
        if (error.parameter() != null) {
            body.put("parameter", error.parameter());
        }
        if (!error.fields().isEmpty()) {
            ArrayNode errors = body.putArray("errors");
            error.fields().forEach(f -> errors.addObject().put("parameter", f.parameter()).put("reason", f.reason()));
        }
        return body;
    }

    private static boolean isDatabaseAway(Throwable cause) {
        if (cause instanceof SQLTransientConnectionException) {
            return true;
        }
        return cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08");
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
