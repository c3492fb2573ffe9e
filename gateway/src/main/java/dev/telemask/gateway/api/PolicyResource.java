package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.privacy.Policy;
import dev.telemask.privacy.PolicyJson;
import dev.telemask.privacy.PolicyValidationException;
import dev.telemask.storage.SealedZones;
import dev.telemask.storage.query.PolicyStore;
import dev.telemask.storage.query.PolicyVersion;
import dev.telemask.storage.query.StoredPolicy;

import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * {@code /policies}: the tenant's privacy policies, validated field by field, every change a new version. Zone
 * centres are write-only: stored sealed, never answered to any role; a zone sent with its {@code id} and without
 * coordinates keeps its sealed centre.
 */
final class PolicyResource {
    private static final int MAX_NAME_LENGTH = 100;

    private final PolicyStore policies;
    private final AuditTrail audit;
    private final SealedZones zones;

    PolicyResource(PolicyStore policies, AuditTrail audit, SealedZones zones) {
        this.policies = policies;
        this.audit = audit;
        this.zones = zones;
    }

    /** A validated document ready to store, and what changed in its zones for the audit row. */
    private record Validated(String document, ObjectNode zoneChanges) {
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
        Validated document = validated(body, null);
        Caller caller = request.caller();
        OptionalLong id = policies.create(caller.tenantId(), nameNode.asText(), document.document(), caller.actor());
        if (id.isEmpty()) {
            throw ApiError.conflict("name", "your fleet already has a policy named \"" + nameNode.asText() + "\"");
        }
        audit.change(caller, "policy.create", "policy:" + id.getAsLong(),
                versionDetails(1).set("zones", document.zoneChanges()));
        request.respond(201, json(find(request, id.getAsLong())));
    }

    private void update(ApiRequest request) throws SQLException, IOException {
        long id = policyId(request);
        JsonNode body = request.jsonBody();
        Validated document = validated(body, find(request, id).document());
        Caller caller = request.caller();
        OptionalInt version = policies.addVersion(caller.tenantId(), id, document.document(), caller.actor());
        if (version.isEmpty()) {
            throw ApiError.notFound("policy " + id);
        }
        audit.change(caller, "policy.update", "policy:" + id,
                versionDetails(version.getAsInt()).set("zones", document.zoneChanges()));
        request.respond(200, json(find(request, id)));
    }

    /**
     * The body's {@code document}, validated, in its normal form with zone centres sealed (what is stored).
     * {@code previous} is the stored current version: a zone sent with its {@code id} and no coordinates keeps its
     * centre from there; one sent with coordinates is placed (or moved) there.
     */
    private Validated validated(JsonNode body, String previous) {
        JsonNode document = body.get("document");
        if (document == null || !document.isObject()) {
            throw ApiError.badRequest("document", "is required, the policy document as a JSON object");
        }
        ObjectNode sent = document.deepCopy();
        Map<String, SealedZones.Centre> kept = zones.centres(previous);
        List<ApiError.FieldError> errors = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Boolean> moved = new ArrayList<>();
        JsonNode zoneList = sent.path("zones");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < zoneList.size(); i++) {
            if (!(zoneList.get(i) instanceof ObjectNode zone)) {
                ids.add(null);
                moved.add(false);
                continue;
            }
            // What the API answered with: a client may send a zone back as it read it.
            zone.remove(List.of("centre", "hides"));
            JsonNode idNode = zone.get("id");
            String id = idNode != null && idNode.isTextual() ? idNode.asText() : null;
            boolean located = zone.has("latitude") || zone.has("longitude");
            if (id != null && !seen.add(id)) {
                errors.add(new ApiError.FieldError("document.zones[" + i + "].id", "appears twice"));
            }
            if (id != null && !located) {
                SealedZones.Centre centre = kept.get(id);
                if (centre == null) {
                    errors.add(new ApiError.FieldError("document.zones[" + i + "].id", "the policy has no zone with"
                            + " this id; send latitude and longitude to place a new zone"));
                } else {
                    zone.put("latitude", centre.latitude()).put("longitude", centre.longitude());
                }
            }
            ids.add(id != null && kept.containsKey(id) ? id : null);
            moved.add(id != null && located && kept.containsKey(id));
        }
        Policy policy;
        try {
            policy = PolicyJson.parse(sent.toString());
        } catch (PolicyValidationException e) {
            e.errors().stream()
                    .map(error -> new ApiError.FieldError("document" + (error.field().equals("$") ? ""
                            : "." + error.field()), error.reason()))
                    .forEach(errors::add);
            policy = null;
        }
        if (!errors.isEmpty()) {
            throw ApiError.invalid("document", "the policy document is not valid", errors);
        }
        String stored = zones.seal(PolicyJson.toJson(policy), ids);
        return new Validated(stored, zoneChanges(kept.keySet(), stored, moved));
    }

    /** Which zones were added, moved or removed, by id and name: never where. */
    private static ObjectNode zoneChanges(Set<String> before, String stored, List<Boolean> moved) {
        ObjectNode changes = ApiRequest.JSON.createObjectNode();
        ArrayNode added = changes.putArray("added");
        ArrayNode movedZones = changes.putArray("moved");
        ArrayNode removed = changes.putArray("removed");
        Set<String> after = new HashSet<>();
        JsonNode zoneList = SealedZones.publicView(stored).path("zones");
        for (int i = 0; i < zoneList.size(); i++) {
            String id = zoneList.get(i).path("id").asText();
            after.add(id);
            ObjectNode named = ApiRequest.JSON.createObjectNode().put("id", id);
            named.set("name", zoneList.get(i).get("name"));
            if (!before.contains(id)) {
                added.add(named);
            } else if (moved.get(i)) {
                movedZones.add(named);
            }
        }
        before.stream().filter(id -> !after.contains(id)).forEach(removed::add);
        return changes;
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
        // Every role gets the same view: zones without their centres.
        node.set("document", policy.document() == null ? null : SealedZones.publicView(policy.document()));
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
