package dev.telemask.gateway.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.telemask.codec.Imei;
import dev.telemask.storage.query.FleetDevice;
import dev.telemask.storage.query.PositionKey;
import dev.telemask.storage.query.PositionQuery;
import dev.telemask.storage.query.TimeWindow;
import dev.telemask.storage.query.TripSegmenter;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * {@code /devices/{imei}/positions} and {@code /trips}: the stored (masked) track and the trips computed from it,
 * time-bounded and streamed from the database to the client. Every read is audited with the rows it returned.
 */
final class TrackResource {
    static final Duration DEFAULT_SPAN = Duration.ofDays(1);
    static final Duration DEFAULT_TRIP_SPAN = Duration.ofDays(7);
    static final Duration MAX_SPAN = Duration.ofDays(366);
    static final int DEFAULT_LIMIT = 1_000;
    static final int MAX_LIMIT = 100_000;

    private final PositionQuery positions;
    private final DeviceAccess access;
    private final AuditTrail audit;
    private final Clock clock;

    TrackResource(PositionQuery positions, DeviceAccess access, AuditTrail audit, Clock clock) {
        this.positions = positions;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
    }

    void register(Router router, Set<Role> readers) {
        router.add("GET", "/devices/{imei}/positions", readers, this::positions)
                .add("GET", "/devices/{imei}/trips", readers, this::trips);
    }

    private void positions(ApiRequest request) throws SQLException, IOException {
        FleetDevice device = access.require(request);
        TimeWindow window = RangeParameters.window(request, clock, DEFAULT_SPAN, MAX_SPAN);
        int limit = RangeParameters.limit(request, DEFAULT_LIMIT, MAX_LIMIT);
        String cursor = request.query("cursor");
        PositionKey after = cursor == null ? null : Cursor.decode(cursor);
        TrackFormat format = TrackFormat.parse(request.query("format"));

        PositionQuery.PageEnd page = positions.pageEnd(device.imei(), window, after, limit);
        String next = page.more() ? Cursor.encode(page.last()) : null;
        String disposition = format == TrackFormat.CSV || format == TrackFormat.GPX
                ? "attachment; filename=\"" + Imei.format(device.imei()) + "." + format.extension() + "\"" : null;
        long[] rows = {0};
        ResponseStream out = request.stream(200, format.contentType(), disposition,
                next == null ? Map.of() : Map.of("X-Next-Cursor", next));
        try {
            TrackFormat.Writer writer = format.open(out, device.imei(), window);
            positions.stream(device.imei(), window, after, page.last(), position -> {
                writer.position(position);
                rows[0]++;
            });
            writer.finish(next);
        } finally {
            // Also when the client left half-way (what was sent was read), and before the response ends, so that
            // whoever has the whole answer finds its audit row.
            audit.device(request.caller(), "positions.read", device.imei(), window, rows[0]);
        }
        out.close();
    }

    private void trips(ApiRequest request) throws SQLException, IOException {
        FleetDevice device = access.require(request);
        TimeWindow window = RangeParameters.window(request, clock, DEFAULT_TRIP_SPAN, MAX_SPAN);
        long[] trips = {0};
        ResponseStream out = request.stream(200, "application/json", null, Map.of());
        try {
            JsonGenerator g = ApiRequest.JSON.getFactory().createGenerator(out);
            g.writeStartObject();
            g.writeStringField("imei", Imei.format(device.imei()));
            g.writeStringField("from", window.from().toString());
            g.writeStringField("to", window.to().toString());
            g.writeArrayFieldStart("trips");
            trips[0] = writeTrips(positions, device.imei(), window, g);
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
        } finally {
            audit.device(request.caller(), "trips.read", device.imei(), window, trips[0]);
        }
        out.close();
    }

    /** Streams the window's positions through the segmenter, writing each trip as it ends; returns how many. */
    static long writeTrips(PositionQuery positions, long imei, TimeWindow window, JsonGenerator g)
            throws SQLException, IOException {
        long[] count = {0};
        TripSegmenter segmenter = new TripSegmenter(trip -> {
            PositionJson.write(g, trip);
            count[0]++;
        });
        positions.stream(imei, window, null, null, segmenter::accept);
        segmenter.finish();
        return count[0];
    }
}
