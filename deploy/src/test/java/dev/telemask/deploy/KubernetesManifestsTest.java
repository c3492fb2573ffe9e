package dev.telemask.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.gateway.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * deploy/kubernetes: every manifest is valid against the strict Kubernetes schemas, and the objects fit together
 * (selectors, port names, probe paths, the ConfigMap and Secret the pods read, only settings the gateway knows).
 * The schemas have no "required" lists for nested fields, hence the explicit checks of what must be there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesManifestsTest {
    private static final Path FOLDER = DeployFiles.path("kubernetes");

    private KubernetesSchemas schemas;
    private final Map<String, JsonNode> byKindAndName = new HashMap<>();
    private final List<JsonNode> documents = new ArrayList<>();

    @BeforeAll
    void load() throws IOException {
        schemas = new KubernetesSchemas();
        for (Path file : manifests()) {
            for (JsonNode doc : DeployFiles.yamlDocuments(file)) {
                documents.add(doc);
                byKindAndName.put(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText(), doc);
            }
        }
    }

    private static List<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.list(FOLDER)) {
            return files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml")).sorted().toList();
        }
    }

    @Test
    void everyManifestIsValidAgainstTheStrictSchemas() {
        assertFalse(documents.isEmpty());
        List<String> problems = new ArrayList<>();
        documents.forEach(doc -> problems.addAll(schemas.validate(doc)));
        assertEquals(List.of(), problems);
    }

    @Test
    void theSchemasAreStrictEnoughToCatchATypo() {
        ObjectNode broken = deployment().deepCopy();
        ((ObjectNode) broken.get("spec")).set("replica", broken.get("spec").get("replicas"));
        assertFalse(schemas.validate(broken).isEmpty(), "spec.replica (a typo) is rejected");
        ObjectNode wrongType = deployment().deepCopy();
        ((ObjectNode) wrongType.get("spec")).put("replicas", "three");
        assertFalse(schemas.validate(wrongType).isEmpty(), "replicas must be a number");
    }

    @Test
    void kustomizationListsEveryManifest() throws IOException {
        Set<String> listed = new TreeSet<>();
        DeployFiles.yaml("kubernetes/kustomization.yaml").path("resources").forEach(r -> listed.add(r.asText()));
        assertEquals(manifests().stream().map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new)),
                listed);
    }

    @Test
    void podsAreProbedSizedAndRunAsNonRoot() {
        JsonNode spec = deployment().path("spec");
        assertTrue(spec.path("replicas").asInt() >= 2, "several replicas");
        JsonNode pod = spec.path("template").path("spec");
        assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean());
        JsonNode container = pod.path("containers").get(0);
        assertEquals("/health/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("/health/live", container.path("livenessProbe").path("httpGet").path("path").asText());
        assertFalse(container.path("resources").path("requests").path("cpu").asText().isEmpty());
        assertFalse(container.path("resources").path("requests").path("memory").asText().isEmpty());
        assertTrue(pod.path("terminationGracePeriodSeconds").asInt() > 30, "longer than shutdown.timeout (30 s)");
        Set<String> portNames = new TreeSet<>();
        container.path("ports").forEach(p -> portNames.add(p.path("name").asText()));
        for (String probe : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
            assertTrue(portNames.contains(container.path(probe).path("httpGet").path("port").asText()), probe + " port");
        }
    }

    @Test
    void servicesAndTheBudgetSelectTheGatewayPods() {
        JsonNode podLabels = deployment().path("spec").path("template").path("metadata").path("labels");
        assertEquals(podLabels, deployment().path("spec").path("selector").path("matchLabels"));
        Set<String> containerPorts = new TreeSet<>();
        deployment().path("spec").path("template").path("spec").path("containers").get(0).path("ports")
                .forEach(p -> containerPorts.add(p.path("name").asText()));
        for (JsonNode doc : documents) {
            switch (doc.path("kind").asText()) {
                case "Service" -> {
                    assertEquals(podLabels, doc.path("spec").path("selector"), "selector of " + name(doc));
                    doc.path("spec").path("ports").forEach(p -> assertTrue(
                            containerPorts.contains(p.path("targetPort").asText()), name(doc) + " targets a pod port"));
                }
                case "PodDisruptionBudget" -> assertEquals(podLabels, doc.path("spec").path("selector").path("matchLabels"));
                default -> { }
            }
        }
        JsonNode devices = byKindAndName.get("Service/telemask-devices").path("spec");
        assertEquals("LoadBalancer", devices.path("type").asText());
        Set<String> protocols = new TreeSet<>();
        devices.path("ports").forEach(p -> protocols.add(p.path("port").asInt() + "/" + p.path("protocol").asText()));
        assertEquals(Set.of("5027/TCP", "5027/UDP"), protocols);
        assertTrue(byKindAndName.containsKey("PodDisruptionBudget/telemask-gateway"));
    }

    @Test
    void podsReadTheirSettingsFromTheConfigMapAndTheirSecretsFromTheSecret() {
        Set<String> known = ConfigLoader.keys().stream().map(ConfigLoader::environmentName).collect(Collectors.toSet());
        JsonNode container = deployment().path("spec").path("template").path("spec").path("containers").get(0);
        List<String> problems = new ArrayList<>();
        for (JsonNode source : container.path("envFrom")) {
            JsonNode configMap = source.path("configMapRef");
            JsonNode secret = source.path("secretRef");
            JsonNode target = configMap.isMissingNode()
                    ? byKindAndName.get("Secret/" + secret.path("name").asText())
                    : byKindAndName.get("ConfigMap/" + configMap.path("name").asText());
            assertTrue(target != null, "envFrom refers to a shipped object: " + source);
            JsonNode data = target.has("stringData") ? target.path("stringData") : target.path("data");
            data.fieldNames().forEachRemaining(key -> {
                if (!known.contains(key)) {
                    problems.add(key + " is not a gateway setting");
                }
            });
        }
        assertEquals(List.of(), problems);
        JsonNode secret = byKindAndName.get("Secret/telemask-db").path("stringData");
        assertTrue(secret.has("TELEMASK_DB_PASSWORD"));
        assertFalse(byKindAndName.get("ConfigMap/telemask-gateway").path("data").has("TELEMASK_DB_PASSWORD"),
                "the password is not in the ConfigMap");
    }

    private JsonNode deployment() {
        return byKindAndName.get("Deployment/telemask-gateway");
    }

    private static String name(JsonNode doc) {
        return doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
    }

    @Test
    void theIngressExampleEndsTlsInFrontOfTheHttpService() throws IOException {
        List<JsonNode> docs = DeployFiles.yamlDocuments(FOLDER.resolve("ingress/ingress.yaml"));
        assertEquals(1, docs.size());
        JsonNode spec = docs.getFirst().path("spec");
        assertEquals("Ingress", docs.getFirst().path("kind").asText());
        String host = spec.path("rules").get(0).path("host").asText();
        assertEquals(List.of(host), DeployFiles.JSON.convertValue(spec.path("tls").get(0).path("hosts"), List.class),
                "the rule's host is the certificate's");
        JsonNode backend = spec.path("rules").get(0).path("http").path("paths").get(0).path("backend").path("service");
        JsonNode http = byKindAndName.get("Service/" + backend.path("name").asText());
        assertTrue(http != null, "the backend is a Service of deploy/kubernetes: " + backend);
        Set<String> ports = new TreeSet<>();
        http.path("spec").path("ports").forEach(p -> ports.add(p.path("name").asText()));
        assertTrue(ports.contains(backend.path("port").path("name").asText()), "the backend port is the Service's");
    }
}
