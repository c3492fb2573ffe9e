package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.privacy.Policy;
import dev.telemask.privacy.PolicyJson;
import dev.telemask.privacy.PolicyValidationException;
import dev.telemask.storage.query.PolicyStore;
import dev.telemask.storage.query.PolicyVersion;
import dev.telemask.storage.query.StoredPolicy;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/** {@code /policies}: the tenant's privacy policies, validated field by field, every change a new version. */
final class PolicyResource {
    private static final int MAX_NAME_LENGTH = 100;

    private final PolicyStore policies;
    private final AuditTrail audit;

    PolicyResource(PolicyStore policies, AuditTrail audit) {
        this.policies = policies;
        this.audit = audit;
    }

    void register(Router router, Set<Role> readers, Set<Role> admins) {
        router.add("GET", "/policies", readers, this::list)
                .add("POST", "/policies", admins, this::create)
                .add("GET", "/policies/{id}", readers, this::get)
                .add("PUT", "/policies/{id}", admins, this::update);
    }

    private void list(ApiRequest request) throws SQLException, IOException {
        ArrayNode items = ApiRequest.JSON.createArrayNode();
        for (StoredPolicy policy : policies.list(request.caller().tenantId())) {
            items.add(json(policy));
        }
        request.respond(200, ApiRequest.JSON.createObjectNode().set("policies", items));
    }

    private void get(ApiRequest request) throws SQLException, IOException {
        request.respond(200, json(find(request, policyId(request))));
    }

    private void create(ApiRequest request) throws SQLException, IOException {
        JsonNode body = request.jsonBody();
        JsonNode nameNode = body.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank()
                || nameNode.asText().length() > MAX_NAME_LENGTH) {
            throw ApiError.badRequest("name", "is required, text of 1 to " + MAX_NAME_LENGTH + " characters");
        }
        String document = validated(body);
        Caller caller = request.caller();
        OptionalLong id = policies.create(caller.tenantId(), nameNode.asText(), document, caller.actor());
        if (id.isEmpty()) {
            throw ApiError.conflict("name", "your fleet already has a policy named \"" + nameNode.asText() + "\"");
        }
        audit.change(caller, "policy.create", "policy:" + id.getAsLong(), versionDetails(1));
        request.respond(201, json(find(request, id.getAsLong())));
    }

    private void update(ApiRequest request) throws SQLException, IOException {
        long id = policyId(request);
        String document = validated(request.jsonBody());
        Caller caller = request.caller();
        OptionalInt version = policies.addVersion(caller.tenantId(), id, document, caller.actor());
        if (version.isEmpty()) {
            throw ApiError.notFound("policy " + id);
        }
        audit.change(caller, "policy.update", "policy:" + id, versionDetails(version.getAsInt()));
        request.respond(200, json(find(request, id)));
    }

    /** The body's {@code document}, validated, in its normal form (what the gateway will read back). */
    private static String validated(JsonNode body) {
        JsonNode document = body.get("document");
        if (document == null || !document.isObject()) {
            throw ApiError.badRequest("document", "is required, the policy document as a JSON object");
        }
        try {
            Policy policy = PolicyJson.parse(document.toString());
            return PolicyJson.toJson(policy);
        } catch (PolicyValidationException e) {
            List<ApiError.FieldError> fields = e.errors().stream()
                    .map(error -> new ApiError.FieldError("document" + (error.field().equals("$") ? ""
                            : "." + error.field()), error.reason()))
                    .toList();
            throw ApiError.invalid("document", "the policy document is not valid", fields);
        }
    }

    private StoredPolicy find(ApiRequest request, long id) throws SQLException {
        return policies.find(request.caller().tenantId(), id).orElseThrow(() -> ApiError.notFound("policy " + id));
    }

    private static long policyId(ApiRequest request) {
        String value = request.pathParameter("id");
        try {
            long id = Long.parseLong(value);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiError.badRequest("id", "a policy id is a positive whole number, got \""
                + RangeParameters.shortened(value) + "\"");
    }

    private static ObjectNode versionDetails(int version) {
        return ApiRequest.JSON.createObjectNode().put("version", version);
    }

    private static ObjectNode json(StoredPolicy policy) throws IOException {
        ObjectNode node = ApiRequest.JSON.createObjectNode();
        node.put("id", policy.id());
        node.put("name", policy.name());
        node.put("version", policy.currentVersion());
        node.set("document", policy.document() == null ? null : ApiRequest.JSON.readTree(policy.document()));
        node.put("createdAt", policy.createdAt().toString());
        if (!policy.versions().isEmpty()) {
            ArrayNode versions = node.putArray("versions");
            for (PolicyVersion v : policy.versions()) {
                versions.addObject().put("version", v.version()).put("createdBy", v.createdBy())
                        .put("createdAt", v.createdAt().toString());
            }
        }
        return node;
    }

    /** The JSON of a stored policy, for the export. */
    static ObjectNode exported(StoredPolicy policy) throws IOException {
        return json(policy);
    }
}
