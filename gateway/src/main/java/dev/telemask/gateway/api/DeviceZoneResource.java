package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.privacy.HiddenDisc;
import dev.telemask.privacy.PolicyJson;
import dev.telemask.privacy.PrivacyZone;
import dev.telemask.storage.DeviceZone;
import dev.telemask.storage.SealedZones;
import dev.telemask.storage.ZoneOwner;
import dev.telemask.storage.query.FleetDevice;
import dev.telemask.storage.query.DeviceZoneStore;
import dev.telemask.storage.query.PolicyStore;
import dev.telemask.storage.query.StoredPolicy;
import dev.telemask.storage.query.UserStore;

import java.sql.SQLException;
import java.util.Set;

/**
 * {@code /devices/{imei}/zones}: a driver's own privacy zones (home, a doctor, a place of worship), on top of the
 * device's policy zones. Any driver credential of the device places zones (adding only hides more); a zone belongs
 * to the credential that placed it, which alone moves, resizes or removes it: the fleet's admin, who can mint driver
 * tokens, create driver users and reset their passwords, is exactly whom the zone hides the home from. A zone whose
 * owner is gone keeps hiding until the device is deleted. Every role sees that a zone exists, its name, radius, what
 * it hides and whether the caller owns it, and nobody gets its centre back: it is stored sealed.
 */
final class DeviceZoneResource {
    private static final int MAX_NAME_LENGTH = 100;

    private final DeviceZoneStore zones;
    private final PolicyStore policies;
    private final DeviceAccess access;
    private final AuditTrail audit;
    private final SealedZones sealed;
    private final UserStore users;

    DeviceZoneResource(DeviceZoneStore zones, PolicyStore policies, DeviceAccess access, AuditTrail audit,
                       SealedZones sealed, UserStore users) {
        this.users = users;
        this.zones = zones;
        this.policies = policies;
        this.access = access;
        this.audit = audit;
        this.sealed = sealed;
    }

    void register(Router router, Set<Role> readers, Set<Role> drivers) {
        router.add("GET", "/devices/{imei}/zones", readers, this::list)
                .add("POST", "/devices/{imei}/zones", drivers, this::add)
                .add("PUT", "/devices/{imei}/zones/{zoneId}", drivers, this::change)
                .add("DELETE", "/devices/{imei}/zones/{zoneId}", drivers, this::remove);
    }

    private void list(ApiRequest request) throws SQLException {
        FleetDevice device = access.require(request);
        ObjectNode answer = ApiRequest.JSON.createObjectNode();
        int minRadius = minRadius(request, device);
        answer.put("minRadiusMetres", minRadius);
        ArrayNode items = answer.putArray("zones");
        ZoneOwner caller = request.caller().role() == Role.DRIVER ? owner(request.caller()) : null;
        for (DeviceZone zone : zones.list(device.imei())) {
            items.add(json(zone, caller, minRadius));
        }
        request.respond(200, answer);
    }

    private void add(ApiRequest request) throws SQLException {
        FleetDevice device = access.require(request);
        JsonNode body = request.jsonBody();
        String name = name(body, null);
        int minRadius = minRadius(request, device);
        int radius = radius(body, null, minRadius);
        double[] centre = centre(body, true);
        String id = SealedZones.newId();
        ZoneOwner owner = owner(request.caller());
        if (!zones.add(device.imei(), id, name, radius, sealed.sealCentre(id, centre[0], centre[1]), owner)) {
            throw ApiError.conflict("zones", "you have placed " + DeviceZoneStore.MAX_ZONES_PER_OWNER
                    + " zones on this device, the most one credential may; remove one of yours first");
        }
        DeviceZone zone = zones.find(device.imei(), id).orElseThrow();
        audit.change(request.caller(), "device-zone.add", AuditTrail.target(device.imei()), details(zone));
        request.respond(201, json(zone, owner, minRadius));
    }

    private void change(ApiRequest request) throws SQLException {
        FleetDevice device = access.require(request);
        DeviceZone zone = zone(request, device);
        JsonNode body = request.jsonBody();
        ZoneOwner owner = requireOwner(request, device, zone, body.has("latitude") || body.has("longitude")
                ? "device-zone.move" : body.has("radiusMetres") ? "device-zone.resize" : "device-zone.change");
        String name = name(body, zone.name());
        int minRadius = minRadius(request, device);
        int radius = radius(body, zone.radiusMetres(), minRadius);
        double[] centre = centre(body, false);
        String centreSealed = centre == null ? zone.sealedCentre() : sealed.sealCentre(zone.id(), centre[0], centre[1]);
        DeviceZone changed = new DeviceZone(zone.id(), name, radius, zone.drawnForMetres(), centreSealed,
                zone.createdAt(), zone.updatedAt(), zone.owner());
        if (!zones.update(device.imei(), changed, owner)) {
            throw ApiError.notFound("zone " + zone.id());
        }
        DeviceZone now = zones.find(device.imei(), zone.id()).orElseThrow(() -> ApiError.notFound("zone " + zone.id()));
        audit.change(request.caller(), centre == null ? "device-zone.change" : "device-zone.move",
                AuditTrail.target(device.imei()), details(now));
        request.respond(200, json(now, owner, minRadius));
    }

    private void remove(ApiRequest request) throws SQLException {
        FleetDevice device = access.require(request);
        DeviceZone zone = zone(request, device);
        ZoneOwner owner = requireOwner(request, device, zone, "device-zone.remove");
        if (!zones.delete(device.imei(), zone.id(), owner)) {
            throw ApiError.notFound("zone " + zone.id());
        }
        audit.change(request.caller(), "device-zone.remove", AuditTrail.target(device.imei()), details(zone));
        request.respondEmpty(204);
    }

    private DeviceZone zone(ApiRequest request, FleetDevice device) throws SQLException {
        String id = request.pathParameter("zoneId");
        if (id == null || !PolicyJson.ZONE_ID.matcher(id).matches()) {
            throw ApiError.badRequest("zoneId", "a zone id as the API gave it, got \""
                    + RangeParameters.shortened(id) + "\"");
        }
        return zones.find(device.imei(), id).orElseThrow(() -> ApiError.notFound("zone " + id));
    }

    /** The credential calling: a token, or a signed-in user in their current credential epoch. */
    private ZoneOwner owner(Caller caller) throws SQLException {
        if (!caller.signedIn()) {
            return ZoneOwner.token(caller.tokenId());
        }
        long epoch = users.credentialEpoch(caller.tenantId(), caller.tokenId())
                .orElseThrow(() -> ApiError.unauthorized("the session has ended; sign in again"));
        return ZoneOwner.user(caller.tokenId(), epoch);
    }

    /**
     * The caller as the owner of {@code zone}; otherwise the refused {@code attempt} is audited and answered 403.
     * Nobody but the credential that placed a zone changes it: not an admin, nor a driver token an admin minted, nor
     * a driver user whose password an admin reset.
     */
    private ZoneOwner requireOwner(ApiRequest request, FleetDevice device, DeviceZone zone, String attempt)
            throws SQLException {
        ZoneOwner caller = owner(request.caller());
        if (zone.ownedBy(caller)) {
            return caller;
        }
        boolean orphaned = zone.owner() == null;
        audit.change(request.caller(), "device-zone.refused", AuditTrail.target(device.imei()), details(zone)
                .put("attempt", attempt).put("reason", orphaned ? "orphaned" : "not-owner"));
        throw ApiError.forbidden(orphaned
                ? "zone " + zone.id() + " has lost the driver credential that placed it (a token revoked or expired,"
                        + " a user deleted or their password reset by an admin, or placed before zones had owners):"
                        + " it keeps hiding until the device is deleted and nobody may move, resize or remove it"
                : "zone " + zone.id() + " belongs to the driver credential that placed it, and only that token or"
                        + " user (with a password they did not get from an admin reset) may move, resize or remove"
                        + " it; you may place a zone of your own");
    }

    /** The smallest radius the device's policy allows a driver's zone. */
    private int minRadius(ApiRequest request, FleetDevice device) throws SQLException {
        if (device.policyId() == null) {
            return PrivacyZone.MIN_RADIUS_METRES;
        }
        return policies.find(request.caller().tenantId(), device.policyId()).map(StoredPolicy::document)
                .map(DeviceZoneResource::minRadius).orElse(PrivacyZone.MIN_RADIUS_METRES);
    }

    static int minRadius(String storedDocument) {
        try {
            return Math.max(PrivacyZone.MIN_RADIUS_METRES, ApiRequest.JSON.readTree(storedDocument)
                    .path("driverZones").path("minRadiusMetres").asInt(PrivacyZone.MIN_RADIUS_METRES));
        } catch (java.io.IOException e) {
            return PrivacyZone.MIN_RADIUS_METRES;
        }
    }

    private static String name(JsonNode body, String current) {
        JsonNode node = body.get("name");
        if (node == null) {
            return current;
        }
        if (node.isNull()) {
            return null;
        }
        if (!node.isTextual() || node.asText().length() > MAX_NAME_LENGTH) {
            throw ApiError.badRequest("name", "text of at most " + MAX_NAME_LENGTH + " characters");
        }
        return node.asText();
    }

    private static int radius(JsonNode body, Integer current, int min) {
        JsonNode node = body.get("radiusMetres");
        if (node == null && current != null) {
            return Math.max(current, min);
        }
        if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
            throw ApiError.badRequest("radiusMetres", "is required, whole metres");
        }
        int radius = node.asInt();
        if (radius < min || radius > PrivacyZone.MAX_RADIUS_METRES) {
            throw ApiError.badRequest("radiusMetres", "must be between " + min + " and "
                    + PrivacyZone.MAX_RADIUS_METRES + (min > PrivacyZone.MIN_RADIUS_METRES
                    ? " (your fleet's policy asks for at least " + min + " m)" : ""));
        }
        return radius;
    }

    /** The centre sent, or null when none was sent and none is {@code required}; both coordinates or neither. */
    private static double[] centre(JsonNode body, boolean required) {
        JsonNode lat = body.get("latitude");
        JsonNode lon = body.get("longitude");
        if (lat == null && lon == null && !required) {
            return null;
        }
        return new double[] {
                coordinate(lat, "latitude", HiddenDisc.MAX_ABS_LATITUDE),
                coordinate(lon, "longitude", 180)};
    }

    private static double coordinate(JsonNode node, String name, double limit) {
        if (node == null || !node.isNumber()) {
            throw ApiError.badRequest(name, "is required with the other coordinate, degrees as a number");
        }
        double value = node.asDouble();
        if (!(value >= -limit && value <= limit)) {
            throw ApiError.badRequest(name, "must be between " + (int) -limit + " and " + (int) limit);
        }
        return value;
    }

    /**
     * A zone as every role sees it, whether {@code caller} (null: not a driver) owns it: never its centre. What it
     * hides is what the engine applies (see {@code DeviceContexts}): the zone enlarged to the policy's
     * {@code minRadius} when that was raised above it, its disc drawn for the radius it was placed with.
     */
    private static ObjectNode json(DeviceZone zone, ZoneOwner caller, int minRadius) {
        int applied = zone.appliedRadiusMetres(minRadius);
        ObjectNode node = ApiRequest.JSON.createObjectNode();
        node.put("id", zone.id());
        node.put("name", zone.name());
        node.put("radiusMetres", zone.radiusMetres());
        node.put("appliedRadiusMetres", applied);
        node.put("yours", zone.ownedBy(caller));
        node.put("centre", "sealed");
        node.set("hides", SealedZones.hides(zone.drawnForMetres(), applied));
        node.put("createdAt", zone.createdAt().toString());
        node.put("updatedAt", zone.updatedAt().toString());
        return node;
    }

    /** A zone as the device's export shows it: as an admin lists it, never its centre. */
    static ObjectNode exported(DeviceZone zone, StoredPolicy policy) {
        int minRadius = policy == null || policy.document() == null ? PrivacyZone.MIN_RADIUS_METRES
                : minRadius(policy.document());
        return json(zone, null, minRadius);
    }

    private static ObjectNode details(DeviceZone zone) {
        return ApiRequest.JSON.createObjectNode().put("zone", zone.id()).put("name", zone.name())
                .put("radiusMetres", zone.radiusMetres());
    }
}
