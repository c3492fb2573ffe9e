package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAPI document describes exactly the routes the API serves, and every path parameter they have. */
class OpenApiTest {
    @Test
    void everyRouteIsDescribedAndEveryDescribedRouteIsServed() throws Exception {
        Vertx vertx = Vertx.vertx();
        // The router is built without touching the database.
        try (FleetApi api = new FleetApi(vertx, (DataSource) java.lang.reflect.Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, a) -> {
                    throw new AssertionError("no database call expected");
                }), new SimpleMeterRegistry(), Clock.systemUTC(), ApiTestServer.ZONES)) {
            Set<String> served = new TreeSet<>();
            api.routes().forEach(route -> served.add(route.method() + " " + route.template()));

            JsonNode document = OpenApiResource.load();
            Set<String> described = new TreeSet<>();
            for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
                for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                    described.add(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
                    assertPathParametersDeclared(path.getKey(), operation.getValue());
                }
            }
            assertEquals(served, described);
            assertEquals("/api/v1", document.get("servers").get(0).get("url").asText());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static void assertPathParametersDeclared(String path, JsonNode operation) {
        for (String segment : path.split("/")) {
            if (segment.startsWith("{")) {
                String name = segment.substring(1, segment.length() - 1);
                boolean declared = false;
                for (JsonNode parameter : operation.get("parameters")) {
                    declared |= parameter.get("in").asText().equals("path") && parameter.get("name").asText()
                            .equals(name);
                }
                assertTrue(declared, path + " does not declare its path parameter " + name);
            }
        }
    }
}
