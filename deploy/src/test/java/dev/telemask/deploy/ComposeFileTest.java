package dev.telemask.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemask.gateway.config.ConfigLoader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** deploy/compose.yaml: the four services, wired to files that exist and to settings the gateway knows. */
class ComposeFileTest {
    private final JsonNode compose = DeployFiles.yaml("compose.yaml");
    private final JsonNode services = compose.path("services");

    @Test
    void runsTimescaleDbWithItsCommunityFeatures() {
        JsonNode db = services.path("timescaledb");
        assertTrue(db.path("image").asText().startsWith("timescale/timescaledb:"), "the official image");
        assertTrue(db.path("command").toString().contains("timescaledb.license=timescale"),
                "community license, so the native retention policy is installed");
        assertTrue(db.has("healthcheck"));
    }

    @Test
    void theGatewayWaitsForTheDatabaseAndIsHealthChecked() {
        JsonNode gateway = services.path("gateway");
        assertEquals("service_healthy", gateway.path("depends_on").path("timescaledb").path("condition").asText());
        assertEquals(Set.of("5027:5027/tcp", "5027:5027/udp", "8080:8080/tcp"), texts(gateway.path("ports")));
        String probe = gateway.path("healthcheck").path("test").toString();
        assertTrue(probe.contains(HealthProbe.class.getName()), "runs the probe class that the image carries");
    }

    @Test
    void theGatewayEnvironmentHoldsOnlyGatewaySettings() {
        Set<String> known = ConfigLoader.keys().stream().map(ConfigLoader::environmentName).collect(Collectors.toSet());
        List<String> unknown = new ArrayList<>();
        services.path("gateway").path("environment").fieldNames().forEachRemaining(key -> {
            if (!known.contains(key)) {
                unknown.add(key);
            }
        });
        assertEquals(List.of(), unknown);
    }

    @Test
    void everyMountedFileOrFolderExists() {
        List<String> missing = new ArrayList<>();
        services.forEach(service -> service.path("volumes").forEach(volume -> {
            String source = volume.asText().split(":")[0];
            if (source.startsWith("./") && !Files.exists(DeployFiles.path(source.substring(2)))) {
                missing.add(source);
            }
        }));
        assertEquals(List.of(), missing);
        assertTrue(Files.isRegularFile(DeployFiles.path("grafana/dashboards/telemask.json")));
    }

    private static Set<String> texts(JsonNode array) {
        Set<String> out = new TreeSet<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
