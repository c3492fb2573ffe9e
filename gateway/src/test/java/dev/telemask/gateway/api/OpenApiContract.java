package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document against the running API, checked by a validator library (Vert.x OpenAPI): real calls of every
 * documented operation, each request validated by the server as it arrives (parameters and body against the
 * operation) and each answer by the client (status documented for the operation, content type, body against its
 * schema, documented headers). Covered: every operation's success answer, and for each operation that takes a token
 * the answer without one (401), with a viewer's token where viewers may not (403) and, for a device's operations, with
 * an IMEI that is not one (400) and one the fleet does not have (404). The library validates JSON bodies; for the other documented
 * types (CSV, GPX, server-sent events) the served type must be one the document lists for that status. It fails when
 * an operation is not documented as served or a documented one is not served, and names every mismatch.
 */
abstract class OpenApiContract {
    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private static final String RANGE = "from=2026-03-09T00:00:00Z&to=2026-03-10T00:00:00Z";
    private static final String EXCHANGE = "X-Test-Exchange";
    private static final long IMEI = 356_307_042_449_001L;
    private static final long UNKNOWN_IMEI = 356_307_042_449_999L;

    private final Map<String, String> requestVerdicts = new ConcurrentHashMap<>();
    private final AtomicInteger exchanges = new AtomicInteger();
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<String> failures = new ArrayList<>();
    /** Operations ("GET /devices/{imei}") answered with a 2xx that validated. */
    private final Set<String> succeeded = new TreeSet<>();
    private JsonNode document;
    private OpenAPIContract contract;
    private JsonObject forLibrary;
    private ResponseValidator responses;
    private ApiTestServer server;

    abstract boolean timescale();

    @Test
    void everyOperationAnswersAsDocumented() throws Exception {
        document = OpenApiResource.load();
        forLibrary = new JsonObject(document.toString());
        prepare(forLibrary);
        try (ApiTestServer started = ApiTestServer.start(Clock.fixed(NOW, ZoneOffset.UTC), timescale(),
                this::validateRequests)) {
            server = started;
            run();
            Set<String> documented = new TreeSet<>();
            for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
                path.getValue().fieldNames().forEachRemaining(method ->
                        documented.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey()));
            }
            Set<String> served = new TreeSet<>();
            server.api.routes().forEach(route -> served.add(route.method() + " " + route.template()));
            Set<String> undocumented = new TreeSet<>(served);
            undocumented.removeAll(documented);
            Set<String> unserved = new TreeSet<>(documented);
            unserved.removeAll(served);
            if (!undocumented.isEmpty()) {
                failures.add("served but not in the document: " + undocumented);
            }
            if (!unserved.isEmpty()) {
                failures.add("in the document but not served: " + unserved);
            }
            Set<String> untried = new TreeSet<>(documented);
            untried.removeAll(succeeded);
            if (!untried.isEmpty()) {
                failures.add("documented operations without a validated success answer: " + untried);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " mismatches between the API and its document:\n"
                + String.join("\n", failures));
        assertTrue(exchanges.get() > 100, "only " + exchanges.get() + " exchanges");
    }

    /**
     * The library needs operation ids and knows only some media types: it gets ids and the JSON answers. Objects
     * are closed ({@code additionalProperties: false} where the document says nothing), so that a field served but
     * not described is a mismatch too.
     */
    private void prepare(JsonObject copy) {
        // The document's server is relative (valid OpenAPI); the library takes absolute URLs only.
        copy.getJsonArray("servers").getJsonObject(0).put("url", "http://127.0.0.1/api/v1");
        copy.getJsonObject("components").getJsonObject("schemas").forEach(s -> close(s.getValue()));
        JsonObject paths = copy.getJsonObject("paths");
        for (String path : paths.fieldNames()) {
            JsonObject operations = paths.getJsonObject(path);
            for (String method : operations.fieldNames()) {
                JsonObject operation = operations.getJsonObject(method);
                operation.put("operationId", method.toUpperCase(Locale.ROOT) + " " + path);
                JsonObject requestBody = operation.getJsonObject("requestBody");
                if (requestBody != null) {
                    requestBody.getJsonObject("content").forEach(type -> close(((JsonObject) type.getValue())
                            .getValue("schema")));
                }
                JsonObject answers = operation.getJsonObject("responses");
                for (String status : answers.fieldNames()) {
                    JsonObject content = answers.getJsonObject(status).getJsonObject("content");
                    if (content != null) {
                        content.fieldNames().removeIf(type -> !MediaType.isMediaTypeSupported(type));
                        content.forEach(type -> close(((JsonObject) type.getValue()).getValue("schema")));
                    }
                }
            }
        }
        Vertx vertx = Vertx.vertx();
        try {
            contract = await(OpenAPIContract.from(vertx, copy.copy()));
        } catch (io.vertx.openapi.contract.OpenAPIContractException e) {
            // The document itself is not valid OpenAPI: say where.
            io.vertx.openapi.contract.OpenAPIVersion version = io.vertx.openapi.contract.OpenAPIVersion.fromContract(copy);
            var repository = await(version.getRepository(vertx, "app://"));
            var result = await(version.validateContract(vertx, repository, copy));
            throw new AssertionError("the document is not valid OpenAPI: " + e.getMessage() + " "
                    + describe(e.getCause()) + " " + result.getErrors(), e);
        } finally {
            vertx.close();
        }
    }

    private static String describe(Throwable cause) {
        if (cause instanceof io.vertx.json.schema.JsonSchemaValidationException invalid) {
            return invalid.getMessage() + " at " + invalid.location();
        }
        return String.valueOf(cause);
    }

    /**
     * Closes objects, and says {@code nullable} in words the library's validator (JSON Schema draft 4, which has no
     * {@code nullable}) reads: any of the schema or null.
     */
    private static void close(Object schema) {
        if (!(schema instanceof JsonObject object) || object.containsKey("$ref")) {
            return;
        }
        JsonObject properties = object.getJsonObject("properties");
        if (properties != null) {
            properties.forEach(property -> close(property.getValue()));
            if (!object.containsKey("additionalProperties")) {
                object.put("additionalProperties", false);
            }
        }
        close(object.getValue("items"));
        close(object.getValue("additionalProperties"));
        if (Boolean.TRUE.equals(object.remove("nullable"))) {
            JsonObject inner = object.copy();
            object.clear();
            object.put("anyOf", new io.vertx.core.json.JsonArray().add(inner)
                    .add(new JsonObject().put("enum", new io.vertx.core.json.JsonArray().addNull())));
        }
    }

    /** On the server, ahead of the API: validates each request against its operation before the API sees it. */
    private void validateRequests(Vertx vertx, io.vertx.ext.web.Router router) {
        OpenAPIContract bound = await(OpenAPIContract.from(vertx, forLibrary.copy()));
        RequestValidator validator = RequestValidator.create(vertx, bound);
        responses = ResponseValidator.create(vertx, bound);
        router.route("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(FleetApi.MAX_BODY_BYTES)
                .setMergeFormAttributes(false)).handler(ctx -> {
                    String exchange = ctx.request().getHeader(EXCHANGE);
                    Operation operation = bound.findOperation(ctx.request().path(), ctx.request().method());
                    if (operation == null) {
                        requestVerdicts.put(exchange, "the document has no operation for it");
                        ctx.next();
                        return;
                    }
                    Buffer body = ctx.body().buffer();
                    RequestUtils.extract(ctx.request(), operation,
                                    () -> Future.succeededFuture(body == null ? Buffer.buffer() : body))
                            .compose(request -> validator.validate(request, operation.getOperationId()))
                            .onComplete(result -> {
                                requestVerdicts.put(exchange, result.succeeded() ? ""
                                        : "request not as documented: " + result.cause().getMessage());
                                ctx.next();
                            });
                });
    }

    private void run() throws Exception {
        server.device("openapi", IMEI);
        String admin = server.token("openapi", Role.ADMIN, null);
        String viewer = server.token("openapi", Role.VIEWER, null);
        String driver = server.token("openapi", Role.DRIVER, IMEI);
        new StoredTrack(server, IMEI, Instant.parse("2026-03-09T06:00:00Z")).businessTrip(52_5000000).privateTrip();
        long tenant = server.tenant("openapi");
        server.execute("INSERT INTO device_events (tenant_id, imei, device_time, event_io, kind, latitude, longitude,"
                + " speed, treatment, received_at) VALUES (" + tenant + ", " + IMEI
                + ", '2026-03-09T06:01:00Z', 239, 'ignition_on', 525010000, 134000000, 55, 0, now())");
        String device = "/devices/" + IMEI;

        JsonNode policy = call("POST", "/policies", admin, """
                {"name": "drivers", "document": {"version": 1,
                 "consent": {"location": true, "driverIdentity": false, "telemetry": true},
                 "driverZones": {"minRadiusMetres": 200}, "coarsening": {"gridMetres": 500}}}""", 201);
        String policyId = policy.get("id").asText();
        call("GET", "/policies", admin, null, 200);
        call("GET", "/policies/" + policyId, viewer, null, 200);
        call("PUT", "/policies/" + policyId, admin, """
                {"document": {"version": 1, "consent": {"location": true, "driverIdentity": false, "telemetry": true},
                 "driverZones": {"minRadiusMetres": 200}}}""", 200);

        long registered = IMEI + 1;
        call("POST", "/devices", admin, "{\"imei\": \"" + registered + "\", \"label\": \"van 2\"}", 201);
        call("GET", "/devices", viewer, null, 200);
        call("GET", device, viewer, null, 200);
        call("PATCH", device, admin, "{\"label\": \"van 1\", \"policyId\": " + policyId + "}", 200);

        for (String format : List.of("", "&format=json", "&format=geojson", "&format=csv", "&format=gpx")) {
            call("GET", device + "/positions?" + RANGE + "&limit=2" + format, viewer, null, 200);
        }
        call("GET", device + "/trips?" + RANGE, viewer, null, 200);
        call("GET", device + "/consent", viewer, null, 200);
        call("PUT", device + "/consent", admin, "{\"telemetry\": false, \"reason\": \"asked\"}", 200);
        call("POST", device + "/private-mode", driver, "{\"until\": \"2026-03-10T18:00:00Z\"}", 200);
        call("DELETE", device + "/private-mode", admin, null, 200);

        JsonNode zone = call("POST", device + "/zones", driver,
                "{\"name\": \"home\", \"latitude\": 52.51, \"longitude\": 13.42, \"radiusMetres\": 300}", 201);
        String zoneId = zone.get("id").asText();
        call("GET", device + "/zones", driver, null, 200);
        call("PUT", device + "/zones/" + zoneId, driver, "{\"name\": \"flat\", \"radiusMetres\": 400}", 200);
        call("DELETE", device + "/zones/" + zoneId, driver, null, 204);

        call("GET", device + "/export", admin, null, 200);
        call("POST", device + "/erase?from=2026-03-09T06:05:00Z&to=2026-03-09T06:06:00Z", admin, null, 200);
        call("POST", device + "/restrict", admin, null, 200);
        call("DELETE", device + "/restrict", admin, null, 200);
        call("GET", "/audit?limit=5", admin, null, 200);

        JsonNode command = call("POST", device + "/commands", admin, "{\"text\": \"getinfo\"}", 202);
        call("GET", device + "/commands", admin, null, 200);
        call("GET", device + "/commands/" + command.get("id").asText(), admin, null, 200);
        call("GET", "/commands/allowed", admin, null, 200);
        call("PUT", "/commands/allowed", admin, "{\"commands\": [\"getinfo\", \"getver\"]}", 200);

        JsonNode token = call("POST", "/tokens", admin, "{\"name\": \"ci\", \"role\": \"viewer\"}", 201);
        call("GET", "/tokens", admin, null, 200);
        call("DELETE", "/tokens/" + token.get("id").asText(), admin, null, 204);

        JsonNode fence = call("POST", "/geofences", admin, "{\"name\": \"depot\", \"circle\": {\"latitude\": 52.5,"
                + " \"longitude\": 13.4, \"radiusMetres\": 300}}", 201);
        call("GET", "/geofences", viewer, null, 200);
        call("DELETE", "/geofences/" + fence.get("id").asText(), admin, null, 204);

        for (String format : List.of("", "&format=json", "&format=geojson", "&format=csv")) {
            call("GET", "/events?" + RANGE + "&device=" + IMEI + format, viewer, null, 200);
        }
        JsonNode hook = call("POST", "/webhooks", admin, "{\"url\": \"http://127.0.0.1:9/hook\","
                + " \"kinds\": [\"ignition_on\"]}", 201);
        call("GET", "/webhooks", admin, null, 200);
        call("GET", "/webhooks/" + hook.get("id").asText() + "/deliveries?state=pending", admin, null, 200);
        call("DELETE", "/webhooks/" + hook.get("id").asText(), admin, null, 204);

        call("GET", "/openapi.json", null, null, 200);
        live(viewer);
        accounts(admin);

        errors(admin, viewer, driver);
        call("DELETE", "/devices/" + registered, admin, null, 204);
    }

    /** Console users and a session of one: the cookie and CSRF header stand in for a token. */
    private void accounts(String admin) throws Exception {
        JsonNode user = call("POST", "/users", admin,
                "{\"username\": \"dana\", \"role\": \"viewer\", \"password\": \"correct horse battery\"}", 201);
        String users = "/users/" + user.get("id").asText();
        call("GET", "/users", admin, null, 200);
        call("PATCH", users, admin, "{\"role\": \"admin\"}", 200);
        call("PUT", users + "/password", admin, "{\"password\": \"another long password\"}", 204);
        call("POST", users + "/unlock", admin, null, 204);
        String signIn = "{\"tenant\": \"openapi\", \"username\": \"dana\", \"password\": \"%s\"}";
        call("POST", "/session", null, signIn.formatted("not the password"), 401);
        HttpResponse<byte[]> signedIn = send("POST", "/session", Map.of(), signIn.formatted("another long password"),
                201, true);
        String cookie = signedIn.headers().firstValue("Set-Cookie").orElse(";");
        Map<String, String> session = Map.of("Cookie", cookie.substring(0, cookie.indexOf(';')), "X-CSRF-Token",
                ApiRequest.JSON.readTree(signedIn.body()).path("csrfToken").asText());
        send("GET", "/session", session, null, 200, true);
        send("PUT", "/session/password", session,
                "{\"currentPassword\": \"another long password\", \"newPassword\": \"yet another long one\"}", 204, true);
        send("DELETE", "/session", session, null, 200, true);
        call("DELETE", users, admin, null, 204);
    }

    /** The common errors of every operation: no token, a role that may not, a malformed and an unknown device. */
    private void errors(String admin, String viewer, String driver) throws Exception {
        for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                String method = operation.getKey().toUpperCase(Locale.ROOT);
                JsonNode answers = operation.getValue().get("responses");
                String template = path.getKey();
                String body = operation.getValue().has("requestBody") ? "{}" : null;
                String concrete = template.replace("{imei}", Long.toString(IMEI)).replaceAll("\\{[A-Za-z]+}", "1");
                // Deliberately incomplete requests: only the answers are checked against the document.
                Set<Role> roles = rolesOf(method + " " + template);
                if (answers.has("401") && !roles.isEmpty()) {
                    call(method, concrete, null, body, 401, false);
                }
                if (!roles.isEmpty() && !roles.contains(Role.VIEWER)) {
                    call(method, concrete, viewer, body, 403, false);
                }
                if (template.contains("{imei}")) {
                    // An admin's token, or a driver's for what only a driver may (its zones).
                    String token = roles.contains(Role.ADMIN) || roles.isEmpty() ? admin : driver;
                    String bad = template.replace("{imei}", "abc").replaceAll("\\{[A-Za-z]+}", "1");
                    call(method, bad, token, body, 400, false);
                    String unknown = template.replace("{imei}", Long.toString(UNKNOWN_IMEI))
                            .replaceAll("\\{[A-Za-z]+}", "1");
                    call(method, unknown, token, body, 404, false);
                }
            }
        }
    }

    /** The roles the API lets call an operation ("GET /devices"), none when it needs no token. */
    private Set<Role> rolesOf(String operation) {
        return server.api.routes().stream().filter(route -> (route.method() + " " + route.template()).equals(operation))
                .findFirst().map(Router.Route::roles).orElse(Set.of());
    }

    /** The live stream: its type, and its first event's document against the document's LiveDevice schema. */
    private void live(String token) throws Exception {
        int exchange = exchanges.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(server.uri("/api/v1/fleet/live"))
                .header("Authorization", "Bearer " + token).header(EXCHANGE, Integer.toString(exchange))
                .timeout(Duration.ofSeconds(30)).build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            String what = "GET /fleet/live";
            checkRequest(what, exchange, true);
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (response.statusCode() != 200 || !documentedTypes("/fleet/live", "get", "200").contains(bare(type))) {
                failures.add(what + ": " + response.statusCode() + " " + type + " is not a documented answer");
                return;
            }
            // The first event comes at once (the device's newest position); read up to its end, for 20 s at most.
            String text;
            try {
                text = java.util.concurrent.CompletableFuture.supplyAsync(() -> firstEvent(in))
                        .get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                failures.add(what + ": no event within 20 s");
                return;
            }
            String data = text.lines().filter(l -> l.startsWith("data: ")).findFirst().orElse(null);
            if (data == null) {
                failures.add(what + ": no event in " + text);
                return;
            }
            JsonObject schema = contract.getRawContract().getJsonObject("components").getJsonObject("schemas")
                    .getJsonObject("LiveDevice");
            var result = contract.getSchemaRepository().validator(io.vertx.json.schema.JsonSchema.of(schema))
                    .validate(new JsonObject(data.substring(6)));
            if (!result.getValid()) {
                failures.add(what + ": event not as the LiveDevice schema says: " + result.getErrors());
            } else {
                succeeded.add(what);
            }
        }
    }

    /** The stream's text up to the end of its first event that has data. */
    private static String firstEvent(InputStream in) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            while (true) {
                String text = bytes.toString(StandardCharsets.UTF_8);
                int data = text.indexOf("data: ");
                if (data >= 0 && text.indexOf("\n\n", data) >= 0) {
                    return text;
                }
                int b = in.read();
                if (b < 0) {
                    return text;
                }
                bytes.write(b);
            }
        } catch (java.io.IOException e) {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private JsonNode call(String method, String path, String token, String body, int expected) throws Exception {
        return call(method, path, token, body, expected, true);
    }

    /**
     * Sends one call and validates it; {@code validRequest}: the request itself must be as the document says (the
     * malformed-IMEI probes are not). Records a mismatch rather than failing at once, so one run names them all.
     */
    private JsonNode call(String method, String path, String token, String body, int expected, boolean validRequest)
            throws Exception {
        HttpResponse<byte[]> response = send(method, path,
                token == null ? Map.of() : Map.of("Authorization", "Bearer " + token), body, expected, validRequest);
        String type = response.headers().firstValue("Content-Type").orElse(null);
        return response.statusCode() == expected && type != null && bare(type).endsWith("json")
                ? ApiRequest.JSON.readTree(response.body()) : ApiRequest.JSON.readTree("{}");
    }

    /** Sends one call with {@code headers} (credentials), validates it as {@link #call} says, and returns the answer. */
    private HttpResponse<byte[]> send(String method, String path, Map<String, String> headers, String body,
                                      int expected, boolean validRequest) throws Exception {
        int exchange = exchanges.incrementAndGet();
        HttpRequest.Builder builder = HttpRequest.newBuilder(server.uri("/api/v1" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header(EXCHANGE, Integer.toString(exchange)).timeout(Duration.ofSeconds(30));
        headers.forEach(builder::header);
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        HttpResponse<byte[]> response = client.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        String template = templateOf(method, path);
        String what = method + " " + path + " (" + (template == null ? "no operation" : template) + ")";
        String text = new String(response.body(), StandardCharsets.UTF_8);
        if (response.statusCode() != expected) {
            failures.add(what + ": expected " + expected + ", got " + response.statusCode() + " " + shortened(text));
            return response;
        }
        checkRequest(what, exchange, validRequest);
        if (template == null) {
            return response;
        }
        String type = response.headers().firstValue("Content-Type").orElse(null);
        String operationPath = template.substring(template.indexOf(' ') + 1);
        String operationMethod = method.toLowerCase(Locale.ROOT);
        boolean valid;
        if (type != null && !MediaType.isMediaTypeSupported(bare(type))) {
            valid = documentedTypes(operationPath, operationMethod, Integer.toString(expected)).contains(bare(type))
                    && response.body().length > 0;
            if (!valid) {
                failures.add(what + ": " + expected + " answered as " + type + ", which the document does not list");
            }
        } else {
            valid = validateResponse(what, template, response, type);
        }
        if (valid && expected / 100 == 2) {
            succeeded.add(template);
        }
        return response;
    }

    private boolean validateResponse(String what, String operationId, HttpResponse<byte[]> response, String type) {
        Map<String, String> headers = new HashMap<>();
        // The library looks headers up by lower-case name.
        response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                values.getFirst()));
        ValidatableResponse answer = response.body().length == 0
                ? ValidatableResponse.create(response.statusCode(), headers)
                : ValidatableResponse.create(response.statusCode(), headers, Buffer.buffer(response.body()),
                bare(type));
        try {
            await(responses.validate(answer, operationId));
            return true;
        } catch (RuntimeException e) {
            failures.add(what + ": answer " + response.statusCode() + " not as documented: " + e.getMessage() + " "
                    + shortened(new String(response.body(), StandardCharsets.UTF_8)));
            return false;
        }
    }

    private void checkRequest(String what, int exchange, boolean validRequest) {
        String verdict = requestVerdicts.get(Integer.toString(exchange));
        if (verdict == null) {
            failures.add(what + ": the request never reached the validator");
        } else if (validRequest && !verdict.isEmpty()) {
            failures.add(what + ": " + verdict);
        }
    }

    /** The operation ("GET /devices/{imei}") the document has for a call, or null. */
    private String templateOf(String method, String path) {
        int query = path.indexOf('?');
        Operation operation = contract.findOperation("/api/v1" + (query < 0 ? path : path.substring(0, query)),
                HttpMethod.valueOf(method));
        return operation == null ? null : operation.getOperationId();
    }

    private Set<String> documentedTypes(String path, String method, String status) {
        Set<String> types = new TreeSet<>();
        document.get("paths").get(path).get(method).get("responses").path(status).path("content").fieldNames()
                .forEachRemaining(types::add);
        return types;
    }

    private static String bare(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }

    private static String shortened(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
