package dev.telemask.gateway.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.telemask.storage.query.AuditEntry;
import dev.telemask.storage.query.AuditLog;
import dev.telemask.storage.query.TimeWindow;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** {@code /audit}: the tenant's audit trail for its admins, newest first, paginated by a cursor. */
final class AuditResource {
    static final Duration DEFAULT_SPAN = Duration.ofDays(30);
    static final int DEFAULT_LIMIT = 1_000;
    static final int MAX_LIMIT = 10_000;

    private final AuditLog log;
    private final Clock clock;

    AuditResource(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    void register(Router router, Set<Role> admins) {
        router.add("GET", "/audit", admins, this::list);
    }

    private void list(ApiRequest request) throws SQLException, IOException {
        TimeWindow window = RangeParameters.window(request, clock, DEFAULT_SPAN, TrackResource.MAX_SPAN);
        int limit = RangeParameters.limit(request, DEFAULT_LIMIT, MAX_LIMIT);
        Long before = beforeId(request.query("cursor"));
        ResponseStream out = request.stream(200, "application/json", null, Map.of());
        JsonGenerator g = ApiRequest.JSON.getFactory().createGenerator(out);
        g.writeStartObject();
        g.writeStringField("from", window.from().toString());
        g.writeStringField("to", window.to().toString());
        g.writeArrayFieldStart("entries");
        long[] last = {0};
        long rows = log.stream(request.caller().tenantId(), window, null, before, limit, entry -> {
            write(g, entry);
            last[0] = entry.id();
        });
        g.writeEndArray();
        // A full page may have a next one; an empty next page is the cheap price of not counting ahead.
        g.writeStringField("nextCursor", rows == limit ? Long.toString(last[0]) : null);
        g.writeEndObject();
        g.flush();
        out.close();
    }

    private static Long beforeId(String cursor) {
        if (cursor == null) {
            return null;
        }
        try {
            return Long.parseLong(cursor);
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("cursor", "not a cursor returned by this API");
        }
    }

    static void write(JsonGenerator g, AuditEntry entry) throws IOException {
        g.writeStartObject();
        g.writeNumberField("id", entry.id());
        g.writeStringField("at", entry.at().toString());
        g.writeStringField("actor", entry.actor());
        g.writeStringField("action", entry.action());
        g.writeStringField("target", entry.target());
        if (entry.details() != null) {
            g.writeFieldName("details");
            g.writeRawValue(entry.details());
        }
        g.writeEndObject();
    }
}
