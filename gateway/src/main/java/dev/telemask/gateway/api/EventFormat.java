package dev.telemask.gateway.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.codec.Imei;
import dev.telemask.storage.query.StoredEvent;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A page of events as GeoJSON or CSV, the track formats that fit events (GPX has no place for an event's kind). Each
 * event carries what {@link EventResource#json} shows, nothing more: an event without a position is a feature with a
 * null geometry, or a CSV row with empty coordinates.
 */
final class EventFormat {
    static final String CSV_HEADER = "id,imei,kind,device_time,geofence,latitude,longitude,speed,treatment\r\n";

    private EventFormat() {
    }

    /** The format a request asks for: {@code format} as for a track, GPX excepted. */
    static TrackFormat parse(String format) {
        TrackFormat parsed = TrackFormat.parse(format);
        if (parsed == TrackFormat.GPX) {
            throw ApiError.badRequest("format", "must be one of json, geojson, csv; events have no GPX form");
        }
        return parsed;
    }

    /** A GeoJSON FeatureCollection of the page, its next page's cursor last, as in a track. */
    static void geoJson(OutputStream out, List<StoredEvent> events, String nextCursor) throws IOException {
        JsonGenerator g = ApiRequest.JSON.getFactory().createGenerator(out);
        g.writeStartObject();
        g.writeStringField("type", "FeatureCollection");
        g.writeArrayFieldStart("features");
        for (StoredEvent event : events) {
            ObjectNode properties = EventResource.json(event);
            JsonNode latitude = properties.remove("latitude");
            JsonNode longitude = properties.remove("longitude");
            g.writeStartObject();
            g.writeStringField("type", "Feature");
            if (latitude == null) {
                g.writeNullField("geometry");
            } else {
                g.writeObjectFieldStart("geometry");
                g.writeStringField("type", "Point");
                g.writeArrayFieldStart("coordinates");
                g.writeTree(longitude);
                g.writeTree(latitude);
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeFieldName("properties");
            g.writeTree(properties);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("nextCursor", nextCursor);
        g.writeEndObject();
        g.flush();
    }

    /** CSV, one event a row; what an event does not carry is an empty field. The cursor is in the header. */
    static void csv(OutputStream out, List<StoredEvent> events) throws IOException {
        Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        w.write(CSV_HEADER);
        for (StoredEvent event : events) {
            w.write(Long.toString(event.id()));
            w.write(',');
            w.write(Imei.format(event.imei()));
            w.write(',');
            // Kinds are fixed lower-case words: nothing to quote.
            w.write(event.kind());
            w.write(',');
            w.write(event.deviceTime().toString());
            w.write(',');
            if (event.geofenceId() != 0) {
                w.write(Long.toString(event.geofenceId()));
            }
            w.write(',');
            if (event.latitudeE7() != null) {
                w.write(TrackFormat.degrees(event.latitudeE7()));
                w.write(',');
                w.write(TrackFormat.degrees(event.longitudeE7()));
            } else {
                w.write(',');
            }
            w.write(',');
            if (event.speedKmh() != null) {
                w.write(event.speedKmh().toString());
            }
            w.write(',');
            w.write(EventResource.json(event).get("treatment").asText());
            w.write("\r\n");
        }
        w.flush();
    }
}
