package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/** {@code /openapi.json}: the API's OpenAPI 3 description, a resource kept next to the code it describes. */
final class OpenApiResource {
    static final String RESOURCE = "openapi.json";

    private final JsonNode document;

    OpenApiResource() {
        this.document = load();
    }

    void register(Router router) {
        // Public: the description of the API is no secret, and clients need it before they have a token.
        router.add("GET", "/openapi.json", Set.of(), request -> request.respond(200, document));
    }

    static JsonNode load() {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the gateway's resources");
            }
            return ApiRequest.JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
