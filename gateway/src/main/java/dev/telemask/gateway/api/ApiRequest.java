package dev.telemask.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
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
    private final Duration writeTimeout;
    private ResponseStream stream;
    private boolean answered;
    private int status;

    ApiRequest(HttpServerRequest request, Context context, Caller caller, Map<String, String> pathParameters,
               Buffer body, Duration writeTimeout) {
        this.request = request;
        this.context = context;
        this.caller = caller;
        this.pathParameters = pathParameters;
        this.body = body;
        this.writeTimeout = writeTimeout;
    }

    Caller caller() {
        return caller;
    }

    /** A parameter of the route's path, e.g. {@code imei} of {@code /devices/{imei}}. */
    String pathParameter(String name) {
        return withoutNul(name, pathParameters.get(name));
    }

    /** A query parameter, or null when absent or empty. */
    String query(String name) {
        String value;
        try {
            value = request.getParam(name);
        } catch (IllegalArgumentException e) {
            // A malformed escape (%zz) anywhere in the query string: the decoder gives up on all of it.
            throw ApiError.badRequest(name, "the query string is not properly percent-encoded");
        }
        return value == null || value.isEmpty() ? null : withoutNul(name, value);
    }

    /**
     * {@code value}, refused when it holds U+0000: PostgreSQL's text cannot, and the client is told which parameter
     * rather than a database error later.
     */
    private static String withoutNul(String name, String value) {
        if (value != null && value.indexOf('\u0000') >= 0) {
            throw ApiError.badRequest(name, NUL_REFUSED);
        }
        return value;
    }

    private static final String NUL_REFUSED = "may not contain the character U+0000 (NUL)";

    /** Refuses a JSON document with U+0000 in any name or string, naming the first such member. */
    private static void refuseNul(JsonNode node, String where) {
        if (node.isTextual()) {
            withoutNul(where, node.textValue());
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                refuseNul(node.get(i), where + "[" + i + "]");
            }
        } else if (node.isObject()) {
            for (var fields = node.fields(); fields.hasNext(); ) {
                var field = fields.next();
                String name = "body".equals(where) ? field.getKey() : where + "." + field.getKey();
                withoutNul("body", field.getKey());
                refuseNul(field.getValue(), name);
            }
        }
    }

    /** The body as JSON; 415 when it is not declared JSON, 400 when it is missing or not JSON. */
    JsonNode jsonBody() {
        if (body == null || body.length() == 0) {
            throw ApiError.badRequest("body", "a JSON body is required");
        }
        if (!isJson(request.getHeader("Content-Type"))) {
            throw ApiError.unsupportedMediaType("the body must be sent as Content-Type: application/json");
        }
        JsonNode document;
        try {
            document = JSON.readTree(body.getBytes());
        } catch (IOException e) {
            String reason = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw ApiError.badRequest("body", "not valid JSON: " + reason);
        }
        refuseNul(document, "body");
        return document;
    }

    /** {@code application/json} or a {@code +json} type, with or without parameters such as a charset. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip()
                .toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
    }

    /** Answers with a JSON document. */
    void respond(int status, Object document) {
        respond(status, document, Map.of());
    }

    /** Answers with a JSON document and extra headers. */
    void respond(int status, Object document, Map<String, String> headers) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a response document always serialises", e);
        }
        answered = true;
        this.status = status;
        Buffer buffer = Buffer.buffer(bytes);
        context.runOnContext(v -> {
            headers.forEach(request.response()::putHeader);
            request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(buffer);
        });
    }

    /** Answers with no body. */
    void respondEmpty(int status) {
        answered = true;
        this.status = status;
        context.runOnContext(v -> request.response().setStatusCode(status).end());
    }

    /** Starts a streamed answer; the caller writes the body and closes the stream. */
    ResponseStream stream(int status, String contentType, String disposition, Map<String, String> headers)
            throws IOException {
        answered = true;
        this.status = status;
        if (!headers.isEmpty()) {
            context.runOnContext(v -> headers.forEach(request.response()::putHeader));
        }
        stream = new ResponseStream(request.response(), context, writeTimeout, status, contentType, disposition);
        return stream;
    }

    /** The bearer token the call was made with (already checked), or null. */
    String bearerToken() {
        String header = request.getHeader("Authorization");
        return header == null || header.length() < 7 ? null : header.substring(7).trim();
    }

    /** The credential the call was made with: the bearer token, else the session cookie's value; or null. */
    String credential() {
        String token = bearerToken();
        return token != null ? token : cookie(Authenticator.COOKIE);
    }

    /** The value of the request's cookie {@code name}, or null. */
    String cookie(String name) {
        io.vertx.core.http.Cookie cookie = request.getCookie(name);
        return cookie == null ? null : cookie.getValue();
    }

    /** The address the call came from (the peer of the connection). */
    String remoteHost() {
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }

    /** True when the call came over TLS: cookies set in the answer are then marked Secure. */
    boolean secure() {
        return request.isSSL();
    }

    /** Starts a live (server-sent events) answer, written by the returned client from any thread. */
    LiveClient openLive(String token, int maxBufferBytes) {
        answered = true;
        status = 200;
        return new LiveClient(request.response(), context, caller, token, maxBufferBytes);
    }

    /** True once an answer has begun: an error can then only cut the connection. */
    boolean answered() {
        return answered;
    }

    /** The status answered (or begun), 0 before any answer. */
    int status() {
        return status;
    }

    /** The streamed answer under way, or null. */
    ResponseStream openStream() {
        return stream;
    }
}
