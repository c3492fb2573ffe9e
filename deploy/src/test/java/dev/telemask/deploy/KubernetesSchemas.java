package dev.telemask.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Strict JSON schemas of the Kubernetes objects we ship, made from the schemas that fabric8's kubernetes-model-apps
 * and kubernetes-model-policy 5.12.4 jars carry (schema/validation-schema.json, generated from the Kubernetes 1.23
 * API; test dependencies from Maven Central, nothing vendored). Made strict the way kubeconform's "-strict" schemas
 * are: every object with declared properties rejects unknown ones, so a misspelt or misplaced field fails.
 * Repaired where fabric8 models Java rather than YAML: IntOrString and Quantity accept what YAML writes, draft-3
 * style {@code required: true} becomes a draft-4 list, and kind and apiVersion must be the type's own.
 */
final class KubernetesSchemas {
    /** kind → fabric8 definition name, for the kinds under deploy/kubernetes. */
    private static final Map<String, String> DEFINITIONS = Map.of(
            "Deployment", "kubernetes_apps_Deployment",
            "Service", "kubernetes_core_Service",
            "ConfigMap", "kubernetes_core_ConfigMap",
            "Secret", "kubernetes_core_Secret",
            "Namespace", "kubernetes_core_Namespace",
            "PodDisruptionBudget", "kubernetes_policy_v1_PodDisruptionBudget");
    private static final Set<String> JAVA_KEYWORDS = Set.of("existingJavaType", "javaType", "javaInterfaces",
            "javaOmitEmpty", "javaName");

    private final ObjectNode definitions = JsonNodeFactory.instance.objectNode();
    private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4);

    KubernetesSchemas() throws IOException {
        // Both jars hold a schema/validation-schema.json; policy's first so that apps' (core types) win.
        List<URL> sources = Collections.list(getClass().getClassLoader().getResources("schema/validation-schema.json"));
        sources.sort((x, y) -> Boolean.compare(x.toString().contains("kubernetes-model-apps"),
                y.toString().contains("kubernetes-model-apps")));
        if (sources.stream().noneMatch(u -> u.toString().contains("kubernetes-model-policy"))
                || sources.stream().noneMatch(u -> u.toString().contains("kubernetes-model-apps"))) {
            throw new IllegalStateException("fabric8 kubernetes-model-apps and -policy jars not on the test classpath: "
                    + sources);
        }
        for (URL source : sources) {
            try (InputStream in = source.openStream()) {
                definitions.setAll((ObjectNode) DeployFiles.JSON.readTree(in).get("definitions"));
            }
        }
        definitions.set("kubernetes_apimachinery_pkg_util_intstr_IntOrString", anyOf("integer", "string"));
        definitions.set("k8s_io_apimachinery_pkg_api_resource_Quantity", anyOf("string", "number"));
        definitions.forEach(KubernetesSchemas::makeStrict);
    }

    /** Schema violations of one manifest document; an unknown kind is one too. */
    List<String> validate(JsonNode document) {
        String kind = document.path("kind").asText();
        String definition = DEFINITIONS.get(kind);
        if (definition == null) {
            return List.of("no schema for kind '" + kind + "' (known: " + DEFINITIONS.keySet() + ")");
        }
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.set("definitions", definitions);
        ObjectNode own = definitions.get(definition).deepCopy();
        pinToDefault(own, "kind");
        pinToDefault(own, "apiVersion");
        root.setAll(own);
        JsonSchema schema = factory.getSchema(root);
        List<String> out = new ArrayList<>();
        for (ValidationMessage message : schema.validate(document)) {
            out.add(kind + " " + document.path("metadata").path("name").asText() + ": " + message.getMessage());
        }
        return out;
    }

    private static ObjectNode anyOf(String... types) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        ArrayNode array = node.putArray("type");
        for (String type : types) {
            array.add(type);
        }
        return node;
    }

    private static void pinToDefault(ObjectNode definition, String property) {
        JsonNode field = definition.path("properties").path(property);
        if (field instanceof ObjectNode node && node.has("default")) {
            node.putArray("enum").add(node.get("default"));
        }
    }

    /** Recursively: drop Java-only keywords, turn required flags into a list, forbid undeclared properties. */
    private static void makeStrict(JsonNode node) {
        if (node instanceof ArrayNode array) {
            array.forEach(KubernetesSchemas::makeStrict);
            return;
        }
        if (!(node instanceof ObjectNode object)) {
            return;
        }
        object.remove(JAVA_KEYWORDS);
        if (object.get("properties") instanceof ObjectNode properties) {
            ArrayNode required = JsonNodeFactory.instance.arrayNode();
            for (Map.Entry<String, JsonNode> property : properties.properties()) {
                if (property.getValue() instanceof ObjectNode p && p.path("required").isBoolean()) {
                    if (p.get("required").asBoolean()) {
                        required.add(property.getKey());
                    }
                    p.remove("required");
                }
            }
            if (!required.isEmpty()) {
                object.set("required", required);
            }
            object.put("additionalProperties", false);
        }
        object.forEach(KubernetesSchemas::makeStrict);
    }
}
