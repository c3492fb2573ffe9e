package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.codec.Imei;
import dev.telemask.storage.query.ConsentChange;
import dev.telemask.storage.query.ConsentLog;
import dev.telemask.storage.query.FleetDevice;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /devices/{imei}/consent}: the driver's consent, changed by appending to its history with who and when. */
final class ConsentResource {
    // API field name -> consent_history.kind
    private static final Map<String, String> KINDS = Map.of(
            "location", "location", "driverIdentity", "driver_identity", "telemetry", "telemetry");
    private static final int MAX_REASON_LENGTH = 500;

    private final ConsentLog consent;
    private final DeviceAccess access;
    private final AuditTrail audit;

    ConsentResource(ConsentLog consent, DeviceAccess access, AuditTrail audit) {
        this.consent = consent;
        this.access = access;
        this.audit = audit;
    }

    void register(Router router, Set<Role> readers, Set<Role> admins) {
        router.add("GET", "/devices/{imei}/consent", readers, this::get)
                .add("PUT", "/devices/{imei}/consent", admins, this::put);
    }

    private void get(ApiRequest request) throws SQLException {
        FleetDevice device = access.require(request);
        request.respond(200, view(device.imei(), consent.history(device.imei())));
    }

    private void put(ApiRequest request) throws SQLException {
        FleetDevice device = access.require(request);
        JsonNode body = request.jsonBody();
        if (!body.isObject()) {
            throw ApiError.badRequest("body", "must be an object such as {\"location\": true}");
        }
        Map<String, Boolean> changes = new LinkedHashMap<>();
        String reason = null;
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals("reason")) {
                if (!value.isNull() && (!value.isTextual() || value.asText().length() > MAX_REASON_LENGTH)) {
                    throw ApiError.badRequest("reason", "must be text of at most " + MAX_REASON_LENGTH
                            + " characters");
                }
                reason = value.isNull() ? null : value.asText();
            } else if (KINDS.containsKey(name)) {
                if (!value.isBoolean()) {
                    throw ApiError.badRequest(name, "must be true or false");
                }
                changes.put(KINDS.get(name), value.asBoolean());
            } else {
                throw ApiError.badRequest(name, "unknown field; consent has location, driverIdentity, telemetry"
                        + " and an optional reason");
            }
        }
        if (changes.isEmpty()) {
            throw ApiError.badRequest("body", "give at least one of location, driverIdentity, telemetry");
        }
        Caller caller = request.caller();
        // The audit row says what was given or withdrawn, in the API's names.
        ObjectNode given = ApiRequest.JSON.createObjectNode();
        changes.forEach((kind, granted) -> given.put(apiName(kind), granted));
        consent.append(device.imei(), changes, caller.actor(), reason,
                audit.switched(caller, "consent.change", device.imei(), given));
        request.respond(200, view(device.imei(), consent.history(device.imei())));
    }

    /** Current consent (null for a kind never set: the policy's default applies) and the whole history. */
    static ObjectNode view(long imei, List<ConsentChange> history) {
        ObjectNode node = ApiRequest.JSON.createObjectNode();
        node.put("imei", Imei.format(imei));
        ObjectNode current = node.putObject("current");
        KINDS.keySet().stream().sorted().forEach(current::putNull);
        ArrayNode changes = node.putArray("history");
        for (ConsentChange change : history) {
            String field = apiName(change.kind());
            current.put(field, change.granted());
            ObjectNode item = changes.addObject().put("kind", field).put("granted", change.granted())
                    .put("changedBy", change.changedBy()).put("changedAt", change.changedAt().toString());
            if (change.reason() != null) {
                item.put("reason", change.reason());
            }
        }
        return node;
    }

    private static String apiName(String kind) {
        return KINDS.entrySet().stream().filter(e -> e.getValue().equals(kind)).map(Map.Entry::getKey)
                .findFirst().orElse(kind);
    }
}
