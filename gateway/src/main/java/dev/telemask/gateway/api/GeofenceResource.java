package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.privacy.Geofence;
import dev.telemask.privacy.GeofenceJson;
import dev.telemask.privacy.PolicyValidationException;
import dev.telemask.storage.query.GeofenceStore;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Set;

/**
 * {@code /geofences}: the fleet's business geofences, whose crossings become events. Admins write, managers read;
 * every change is audited and reaches the connected devices within a second.
 */
final class GeofenceResource {
    private final GeofenceStore geofences;
    private final AuditTrail audit;

    GeofenceResource(GeofenceStore geofences, AuditTrail audit) {
        this.geofences = geofences;
        this.audit = audit;
    }

    void register(Router router, Set<Role> readers, Set<Role> admins) {
        router.add("GET", "/geofences", readers, this::list)
                .add("POST", "/geofences", admins, this::create)
                .add("DELETE", "/geofences/{id}", admins, this::delete);
    }

    private void list(ApiRequest request) throws SQLException, IOException {
        ArrayNode items = ApiRequest.JSON.createArrayNode();
        for (Geofence fence : geofences.list(request.caller().tenantId())) {
            items.add(GeofenceJson.toJson(fence));
        }
        request.respond(200, ApiRequest.JSON.createObjectNode().set("geofences", items));
    }

    private void create(ApiRequest request) throws SQLException, IOException {
        JsonNode body = request.jsonBody();
        Geofence fence;
        try {
            fence = GeofenceJson.read(body);
        } catch (PolicyValidationException e) {
            throw ApiError.invalid(e.errors().getFirst().field(), "the geofence is not valid", e.errors().stream()
                    .map(error -> new ApiError.FieldError(error.field(), error.reason())).toList());
        }
        Caller caller = request.caller();
        Geofence stored = geofences.add(caller.tenantId(), fence, caller.actor());
        if (stored == null) {
            throw ApiError.conflict(null, "your fleet has " + GeofenceStore.MAX_GEOFENCES_PER_FLEET
                    + " geofences, the most it may have; delete one first");
        }
        ObjectNode details = ApiRequest.JSON.createObjectNode().put("name", stored.name())
                .put("shape", stored.isCircle() ? "circle" : "polygon");
        audit.change(caller, "geofence.create", "geofence:" + stored.id(), details);
        request.respond(201, GeofenceJson.toJson(stored));
    }

    private void delete(ApiRequest request) throws SQLException, IOException {
        String raw = request.pathParameter("id");
        long id;
        try {
            id = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("id", "a geofence id is a number, got \"" + RangeParameters.shortened(raw)
                    + "\"");
        }
        Caller caller = request.caller();
        if (!geofences.delete(caller.tenantId(), id)) {
            throw ApiError.notFound("geofence " + id);
        }
        audit.change(caller, "geofence.delete", "geofence:" + id, null);
        request.respondEmpty(204);
    }
}
