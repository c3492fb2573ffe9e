package dev.telemask.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.io.IOException;
import java.util.Map;

/**
 * One API call as a handler sees it, on its blocking thread: the caller, the path's parameters, the query, the
 * body, and ways to answer (a JSON document, or a streamed body).
 */
final class ApiRequest {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServerRequest request;
    private final Context context;
    private final Caller caller;
    private final Map<String, String> pathParameters;
    private final Buffer body;
    private ResponseStream stream;
    private boolean answered;

    ApiRequest(HttpServerRequest request, Context context, Caller caller, Map<String, String> pathParameters,
               Buffer body) {
        this.request = request;
        this.context = context;
        this.caller = caller;
        this.pathParameters = pathParameters;
        this.body = body;
    }

    Caller caller() {
        return caller;
    }

    /** A parameter of the route's path, e.g. {@code imei} of {@code /devices/{imei}}. */
    String pathParameter(String name) {
        return pathParameters.get(name);
    }

    /** A query parameter, or null when absent or empty. */
    String query(String name) {
        String value = request.getParam(name);
        return value == null || value.isEmpty() ? null : value;
    }

    /** The body as JSON; 400 when it is missing or not JSON. */
    JsonNode jsonBody() {
        if (body == null || body.length() == 0) {
            throw ApiError.badRequest("body", "a JSON body is required");
        }
        try {
            return JSON.readTree(body.getBytes());
        } catch (IOException e) {
            String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw ApiError.badRequest("body", "not valid JSON: " + reason);
        }
    }

    /** Answers with a JSON document. */
    void respond(int status, Object document) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response document always serialises", e);
        }
        answered = true;
        Buffer buffer = Buffer.buffer(bytes);
        context.runOnContext(v -> request.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json").end(buffer));
    }

    /** Answers with no body. */
    void respondEmpty(int status) {
        answered = true;
        context.runOnContext(v -> request.response().setStatusCode(status).end());
    }

    /** Starts a streamed answer; the caller writes the body and closes the stream. */
    ResponseStream stream(int status, String contentType, String disposition, Map<String, String> headers)
            throws IOException {
        answered = true;
        if (!headers.isEmpty()) {
            context.runOnContext(v -> headers.forEach(request.response()::putHeader));
        }
        stream = new ResponseStream(request.response(), context, status, contentType, disposition);
        return stream;
    }

    /** True once an answer has begun: an error can then only cut the connection. */
    boolean answered() {
        return answered;
    }

    /** The streamed answer under way, or null. */
    ResponseStream openStream() {
        return stream;
    }
}
