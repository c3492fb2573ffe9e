package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.codec.Imei;
import dev.telemask.storage.IngestDeviceLookup;
import dev.telemask.storage.PositionNotices;
import dev.telemask.storage.query.FleetDevice;
import dev.telemask.storage.query.FleetDeviceStore;
import dev.telemask.storage.query.Transaction;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/** {@code /devices}: register, list, label, assign a policy, delete. */
final class DeviceResource {
    private static final int MAX_LABEL_LENGTH = 200;
    /** Devices per page of the list, and its default: a console reads a fleet of up to this many at once. */
    static final int MAX_LISTED = 10_000;

    private final DataSource dataSource;
    private final FleetDeviceStore devices;
    private final DeviceAccess access;
    private final AuditTrail audit;
    private final RefusedRegistrations refused;

    DeviceResource(DataSource dataSource, FleetDeviceStore devices, DeviceAccess access, AuditTrail audit,
                   RefusedRegistrations refused) {
        this.dataSource = dataSource;
        this.devices = devices;
        this.access = access;
        this.audit = audit;
        this.refused = refused;
    }

    void register(Router router, Set<Role> readers, Set<Role> admins) {
        router.add("GET", "/devices", readers, this::list)
                .add("POST", "/devices", admins, this::create)
                .add("GET", "/devices/{imei}", readers, this::get)
                .add("PATCH", "/devices/{imei}", admins, this::update)
                .add("DELETE", "/devices/{imei}", admins, this::delete);
    }

    /**
     * A page of the fleet's devices in IMEI order, the next page's cursor (the last IMEI) in {@code nextCursor} and
     * {@code X-Next-Cursor}: a fleet of any size is read in bounded pages. A driver's list is its own device alone.
     */
    private void list(ApiRequest request) throws SQLException {
        Caller caller = request.caller();
        int limit = RangeParameters.limit(request, MAX_LISTED, MAX_LISTED);
        String cursor = request.query("cursor");
        long after = cursor == null ? 0 : DeviceAccess.parseImei("cursor", cursor);
        FleetDeviceStore.Page page = caller.role() == Role.DRIVER
                ? new FleetDeviceStore.Page(devices.find(caller.tenantId(), caller.device())
                        .filter(own -> own.imei() > after).stream().toList(), false)
                : devices.page(caller.tenantId(), after, limit);
        ArrayNode items = ApiRequest.JSON.createArrayNode();
        page.devices().forEach(device -> items.add(DeviceJson.of(device)));
        String next = page.more() ? Imei.format(page.devices().getLast().imei()) : null;
        ObjectNode body = ApiRequest.JSON.createObjectNode();
        body.set("devices", items);
        body.put("nextCursor", next);
        request.respond(200, body, next == null ? Map.of() : Map.of("X-Next-Cursor", next));
    }

    private void get(ApiRequest request) throws SQLException {
        request.respond(200, DeviceJson.of(access.require(request)));
    }

    private void create(ApiRequest request) throws SQLException {
        JsonNode body = request.jsonBody();
        JsonNode imeiNode = body.get("imei");
        String imeiText = imeiNode == null || imeiNode.isNull() ? null
                : imeiNode.isIntegralNumber() ? imeiNode.asText() : imeiNode.isTextual() ? imeiNode.asText() : "?";
        long imei = DeviceAccess.parseImei("imei", imeiText);
        String label = label(body);
        Long policyId = policyId(body);
        Caller caller = request.caller();
        refused.check(caller.tenantId());
        // Registering gives the device its policy (and claims one the gateway held restricted in quarantine).
        FleetDeviceStore.Outcome outcome = devices.register(caller.tenantId(), imei, label, policyId,
                IngestDeviceLookup.QUARANTINE_TENANT, audit.switched(caller, "device.register", imei,
                        ApiRequest.JSON.createObjectNode().put("policyId", policyId)));
        switch (outcome) {
            case TAKEN -> throw taken(caller, imei);
            case POLICY_NOT_FOUND -> throw noSuchPolicy(policyId);
            default -> {
            }
        }
        request.respond(201, DeviceJson.of(devices.find(caller.tenantId(), imei).orElseThrow()));
    }

    private void update(ApiRequest request) throws SQLException {
        FleetDevice device = access.require(request);
        JsonNode body = request.jsonBody();
        if (!body.isObject() || (!body.has("label") && !body.has("policyId"))) {
            throw ApiError.badRequest("body", "give label and/or policyId (null clears)");
        }
        Caller caller = request.caller();
        // The audit row says which policy the device was given (null: none), and whether its label changed.
        String label = label(body);
        Long policy = policyId(body);
        ObjectNode changed = ApiRequest.JSON.createObjectNode();
        if (body.has("policyId")) {
            changed.put("policyId", policy);
        }
        changed.put("label", body.has("label"));
        FleetDeviceStore.Outcome outcome = devices.update(caller.tenantId(), device.imei(), body.has("label"),
                label, body.has("policyId"), policy,
                audit.switched(caller, "device.update", device.imei(), changed));
        if (outcome == FleetDeviceStore.Outcome.POLICY_NOT_FOUND) {
            throw noSuchPolicy(body.get("policyId").asLong());
        }
        if (outcome == FleetDeviceStore.Outcome.NOT_FOUND) {
            throw DeviceAccess.notFound(device.imei());
        }
        request.respond(200, DeviceJson.of(devices.find(caller.tenantId(), device.imei()).orElseThrow()));
    }

    private void delete(ApiRequest request) throws SQLException {
        FleetDevice device = access.require(request);
        Caller caller = request.caller();
        long positions = Transaction.run(dataSource, c -> {
            long deleted = FleetDeviceStore.delete(c, caller.tenantId(), device.imei());
            if (deleted >= 0) {
                audit.device(c, caller, "device.delete", device.imei(), null, deleted);
                // Delivered at commit: live maps find the device gone and take it off.
                PositionNotices.announce(c, List.of(device.imei()));
            }
            return deleted;
        });
        if (positions < 0) {
            throw DeviceAccess.notFound(device.imei());
        }
        request.respondEmpty(204);
    }

    /**
     * The refusal of an IMEI that is registered already. One of the caller's own fleet is named as such (the fleet
     * lists it anyway); one of another fleet is counted against the caller's registrations, and which fleet holds it
     * is never said.
     */
    private ApiError taken(Caller caller, long imei) throws SQLException {
        if (devices.find(caller.tenantId(), imei).isPresent()) {
            return ApiError.conflict("imei", "your fleet has device " + imei + " already");
        }
        refused.refused(caller.tenantId());
        return ApiError.conflict("imei", "device " + imei + " cannot be registered: it is registered already");
    }

    private static ApiError noSuchPolicy(Long policyId) {
        return ApiError.badRequest("policyId", "your fleet has no policy " + policyId);
    }

    private static String label(JsonNode body) {
        JsonNode label = body.get("label");
        if (label == null || label.isNull()) {
            return null;
        }
        if (!label.isTextual() || label.asText().length() > MAX_LABEL_LENGTH) {
            throw ApiError.badRequest("label", "must be text of at most " + MAX_LABEL_LENGTH + " characters");
        }
        return label.asText();
    }

    private static Long policyId(JsonNode body) {
        JsonNode policy = body.get("policyId");
        if (policy == null || policy.isNull()) {
            return null;
        }
        if (!policy.isIntegralNumber() || !policy.canConvertToLong() || policy.asLong() < 1) {
            throw ApiError.badRequest("policyId", "must be a policy id (a positive whole number) or null");
        }
        return policy.asLong();
    }
}
