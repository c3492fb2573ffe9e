package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.codec.Imei;
import dev.telemask.privacy.EventKind;
import dev.telemask.privacy.Treatment;
import dev.telemask.storage.query.FleetDevice;
import dev.telemask.storage.query.EventQuery;
import dev.telemask.storage.query.StoredEvent;
import dev.telemask.storage.query.TimeWindow;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code /events}: the fleet's events (geofence enter/exit, ignition, overspeed), optionally of one device and one
 * kind, time-bounded and paged like a track ({@code cursor}, {@code X-Next-Cursor}), as JSON, GeoJSON or CSV like a
 * track ({@code format}). Each read is audited.
 */
final class EventResource {
    static final Duration DEFAULT_SPAN = Duration.ofDays(1);
    static final Duration MAX_SPAN = Duration.ofDays(366);
    static final int DEFAULT_LIMIT = 1_000;
    static final int MAX_LIMIT = 10_000;

    private final EventQuery events;
    private final DeviceAccess access;
    private final AuditTrail audit;
    private final Clock clock;

    EventResource(EventQuery events, DeviceAccess access, AuditTrail audit, Clock clock) {
        this.events = events;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    void register(Router router, Set<Role> readers) {
        router.add("GET", "/events", readers, this::list);
    }

    private void list(ApiRequest request) throws SQLException, IOException {
        Caller caller = request.caller();
        String deviceParameter = request.query("device");
        Long imei = null;
        if (deviceParameter != null) {
            long parsed = DeviceAccess.parseImei("device", deviceParameter);
            FleetDevice device = access.find(caller, parsed);
            imei = device.imei();
        }
        String kind = request.query("kind");
        if (kind != null && EventKind.ofWireName(kind) == null) {
            throw ApiError.badRequest("kind", "one of " + EventKind.wireNames() + "; got \"" + RangeParameters.shortened(kind)
                    + "\"");
        }
        TimeWindow window = RangeParameters.window(request, clock, DEFAULT_SPAN, MAX_SPAN);
        int limit = RangeParameters.limit(request, DEFAULT_LIMIT, MAX_LIMIT);
        String cursor = request.query("cursor");
        TrackFormat format = EventFormat.parse(request.query("format"));
        EventQuery.EventKey after = cursor == null ? null : EventCursor.decode(cursor);
        EventQuery.Page page = events.page(caller.tenantId(), window, imei, kind, after, limit);
        String next = null;
        if (page.more()) {
            StoredEvent last = page.events().getLast();
            next = EventCursor.encode(new EventQuery.EventKey(last.deviceTime(), last.id()));
        }
        // Audited before the answer goes out, so that whoever has the answer finds its audit row.
        if (imei != null) {
            audit.device(caller, "events.read", imei, window, (long) page.events().size());
        } else {
            ObjectNode details = ApiRequest.JSON.createObjectNode().put("from", window.from().toString())
                    .put("to", window.to().toString()).put("rows", page.events().size())
                    .put("role", caller.role().dbName());
            audit.change(caller, "events.read", "fleet", details);
        }
        Map<String, String> headers = next == null ? Map.of() : Map.of("X-Next-Cursor", next);
        switch (format) {
            // Closed only once written whole: a failure half-way cuts the stream rather than ending it as complete.
            case GEOJSON -> {
                ResponseStream out = request.stream(200, format.contentType(), null, headers);
                EventFormat.geoJson(out, page.events(), next);
                out.close();
            }
            case CSV -> {
                ResponseStream out = request.stream(200, format.contentType(), "attachment; filename=\"events.csv\"",
                        headers);
                EventFormat.csv(out, page.events());
                out.close();
            }
            default -> request.respond(200, document(window, page, next), headers);
        }
    }

    private static ObjectNode document(TimeWindow window, EventQuery.Page page, String next) {
        ObjectNode body = ApiRequest.JSON.createObjectNode();
        body.put("from", window.from().toString());
        body.put("to", window.to().toString());
        ArrayNode items = body.putArray("events");
        for (StoredEvent event : page.events()) {
            items.add(json(event));
        }
        body.put("nextCursor", next);
        return body;
    }

    /** An event as the API and webhooks show it: only what the record it came from kept. */
    static ObjectNode json(StoredEvent event) {
        ObjectNode node = ApiRequest.JSON.createObjectNode();
        node.put("id", Long.toString(event.id()));
        node.put("imei", Imei.format(event.imei()));
        node.put("kind", event.kind());
        node.put("deviceTime", event.deviceTime().toString());
        if (event.geofenceId() != 0) {
            node.put("geofence", Long.toString(event.geofenceId()));
        }
        if (event.latitudeE7() != null) {
            node.put("latitude", event.latitudeE7() / 1e7);
            node.put("longitude", event.longitudeE7() / 1e7);
        }
        if (event.speedKmh() != null) {
            node.put("speed", event.speedKmh());
        }
        node.put("treatment", Treatment.ofCode(event.treatment()).name().toLowerCase(Locale.ROOT));
        return node;
    }
}
