package dev.telemask.gateway.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.telemask.codec.Imei;
import dev.telemask.storage.DeviceZone;
import dev.telemask.storage.query.AuditLog;
import dev.telemask.storage.query.ConsentLog;
import dev.telemask.storage.query.FleetDevice;
import dev.telemask.storage.query.DeviceCommands;
import dev.telemask.storage.query.DeviceDeliveries;
import dev.telemask.storage.query.DeviceZoneStore;
import dev.telemask.storage.query.EventQuery;
import dev.telemask.storage.query.FleetDeviceStore;
import dev.telemask.storage.query.PolicyStore;
import dev.telemask.storage.query.PositionQuery;
import dev.telemask.storage.query.StoredPolicy;
import dev.telemask.storage.query.TimeWindow;
import dev.telemask.storage.query.Transaction;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The data subject's rights on one device: export everything stored (art. 15/20), erase a time range (art. 17),
 * restrict processing (art. 18). Each is audited; the erasure's audit row outlives the data.
 */
final class DataSubjectResource {
    /** Every time a record can have. */
    static final TimeWindow ALL_TIME = new TimeWindow(Instant.EPOCH, Instant.parse("9999-12-31T00:00:00Z"));

    private final DataSource dataSource;
    private final FleetDeviceStore devices;
    private final PositionQuery positions;
    private final PolicyStore policies;
    private final ConsentLog consent;
    private final AuditLog auditLog;
    private final DeviceAccess access;
    private final AuditTrail audit;
    private final Clock clock;
    private final DeviceCommands commands;
    private final EventQuery events;
    private final DeviceZoneStore zones;
    private final DeviceDeliveries deliveries;
    private final ErasureProgressLog erasures;

    DataSubjectResource(DataSource dataSource, FleetDeviceStore devices, PositionQuery positions, PolicyStore policies,
                        ConsentLog consent, AuditLog auditLog, DeviceAccess access, AuditTrail audit, Clock clock,
                        ErasureProgressLog erasures) {
        this.dataSource = dataSource;
        this.devices = devices;
        this.positions = positions;
        this.policies = policies;
        this.consent = consent;
        this.auditLog = auditLog;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.commands = new DeviceCommands(dataSource);
        this.events = new EventQuery(dataSource);
        this.zones = new DeviceZoneStore(dataSource);
        this.deliveries = new DeviceDeliveries(dataSource);
        this.erasures = erasures;
    }

    void register(Router router, Set<Role> admins) {
        router.add("GET", "/devices/{imei}/export", admins, this::export)
                .add("POST", "/devices/{imei}/erase", admins, this::erase)
                .add("POST", "/devices/{imei}/restrict", admins, request -> restrict(request, true))
                .add("DELETE", "/devices/{imei}/restrict", admins, request -> restrict(request, false));
    }

    /**
     * One JSON document, streamed: device, policy, consent history, every position (records held undecided, sealed,
     * only once decided), the trips, the events, the driver's zones (never their centres), the commands, the
     * forwarding outbox's deliveries, the audit.
     */
    private void export(ApiRequest request) throws SQLException, IOException {
        FleetDevice device = access.require(request);
        Caller caller = request.caller();
        StoredPolicy policy = device.policyId() == null ? null
                : policies.find(caller.tenantId(), device.policyId()).orElse(null);
        long[] rows = {0};
        ResponseStream out = request.stream(200, "application/json",
                "attachment; filename=\"" + Imei.format(device.imei()) + "-export.json\"", Map.of());
        try {
            JsonGenerator g = ApiRequest.JSON.getFactory().createGenerator(out);
            g.writeStartObject();
            g.writeStringField("exportedAt", clock.instant().toString());
            g.writeFieldName("device");
            g.writeTree(DeviceJson.of(device));
            g.writeFieldName("policy");
            g.writeTree(policy == null ? null : PolicyResource.exported(policy));
            g.writeFieldName("consent");
            g.writeTree(ConsentResource.view(device.imei(), consent.history(device.imei())).get("history"));
            g.writeArrayFieldStart("positions");
            rows[0] = positions.stream(device.imei(), ALL_TIME, null, null, p -> PositionJson.write(g, p));
            g.writeEndArray();
            // Nothing of the records held undecided (sealed), not even their number: unreadable until decided, they
            // are in the next export once they are; read while a trip starts at home, a count would say when the first
            // came, though the zone hides them, and so time the way to the first visible point.
            g.writeArrayFieldStart("trips");
            TrackResource.writeTrips(positions, device.imei(), ALL_TIME, g);
            g.writeEndArray();
            // Events store where and how fast the vehicle was, a driver's zones what places matter to them: both
            // are personal data the data subject is owed, as the API shows them.
            g.writeArrayFieldStart("events");
            events.stream(caller.tenantId(), device.imei(), event -> g.writeTree(EventResource.json(event)));
            g.writeEndArray();
            g.writeArrayFieldStart("zones");
            for (DeviceZone zone : zones.list(device.imei())) {
                g.writeTree(DeviceZoneResource.exported(zone, policy));
            }
            g.writeEndArray();
            g.writeArrayFieldStart("commands");
            commands.stream(caller.tenantId(), device.imei(), command -> g.writeTree(CommandResource.json(command)));
            g.writeEndArray();
            // What was forwarded of the device and to whom (art. 15(1)(c)), as the outbox keeps it.
            g.writeArrayFieldStart("deliveries");
            deliveries.stream(caller.tenantId(), device.imei(), d -> writeDelivery(g, d));
            g.writeEndArray();
            g.writeArrayFieldStart("audit");
            // From this registration on: an earlier one of the same IMEI (deleted, registered again) was about
            // another vehicle owner or driver.
            auditLog.stream(caller.tenantId(), new TimeWindow(device.createdAt(), ALL_TIME.to()),
                    AuditTrail.target(device.imei()), null, 0, entry -> AuditResource.write(g, entry));
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
        } finally {
            // Before the response ends: whoever has the whole export finds its audit row.
            audit.device(caller, "export", device.imei(), null, rows[0]);
        }
        out.close();
    }

    /**
     * A delivery with its receiver named by the origin of its URL: a webhook's path or query may carry the fleet's
     * credentials, which are not the data subject's.
     */
    private static void writeDelivery(JsonGenerator g, DeviceDeliveries.Delivery d) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", Long.toString(d.id()));
        g.writeStringField("sink", d.sink());
        g.writeStringField("receiver", d.webhookUrl() == null ? d.sink() : origin(d.webhookUrl()));
        g.writeStringField("state", d.state());
        g.writeStringField("createdAt", d.createdAt().toString());
        g.writeStringField("deliveredAt", d.deliveredAt() == null ? null : d.deliveredAt().toString());
        g.writeFieldName("payload");
        g.writeTree(ApiRequest.JSON.readTree(d.payload()));
        g.writeEndObject();
    }

    /** {@code scheme://host[:port]} of a URL; the user info, path and query left out. */
    static String origin(String url) {
        java.net.URI uri = java.net.URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /**
     * Erases the range in one transaction, however large: the answer comes when it committed (a year of a device's
     * records takes minutes), and until then ops see its progress ({@link ErasureProgressLog}).
     */
    private void erase(ApiRequest request) throws SQLException {
        FleetDevice device = access.require(request);
        TimeWindow window = RangeParameters.requiredWindow(request);
        long erased = Transaction.run(dataSource, c -> {
            long rows = PositionQuery.erase(c, device.imei(), window, erasures.of(device.imei()));
            audit.device(c, request.caller(), "erase", device.imei(), window, rows);
            // Delivered at commit: live maps read the device's newest row again, so an erased one leaves them too.
            dev.telemask.storage.PositionNotices.announce(c, java.util.List.of(device.imei()));
            return rows;
        });
        request.respond(200, ApiRequest.JSON.createObjectNode().put("imei", Imei.format(device.imei()))
                .put("from", window.from().toString()).put("to", window.to().toString()).put("erased", erased));
    }

    private void restrict(ApiRequest request, boolean restricted) throws SQLException {
        FleetDevice device = access.require(request);
        Caller caller = request.caller();
        if (!devices.setRestricted(caller.tenantId(), device.imei(), restricted,
                audit.switched(caller, restricted ? "restrict" : "unrestrict", device.imei(), null))) {
            throw DeviceAccess.notFound(device.imei());
        }
        request.respond(200, DeviceJson.of(devices.find(caller.tenantId(), device.imei()).orElseThrow()));
    }
}
