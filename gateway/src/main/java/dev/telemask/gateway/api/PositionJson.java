package dev.telemask.gateway.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.telemask.privacy.Treatment;
import dev.telemask.storage.IoElementsFormat;
import dev.telemask.storage.query.GeoPoint;
import dev.telemask.storage.query.StoredPosition;
import dev.telemask.storage.query.Trip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * How positions and trips look in JSON. A masked value is left out, never written as 0 or null-island: a private
 * record is a time entry with its treatment and mileage IO only.
 */
final class PositionJson {
    private PositionJson() {
    }

    static String treatment(Treatment treatment) {
        return treatment.name().toLowerCase(Locale.ROOT);
    }

    /** One position as an object. */
    static void write(JsonGenerator g, StoredPosition p) throws IOException {
        g.writeStartObject();
        g.writeStringField("time", p.deviceTime().toString());
        g.writeStringField("treatment", treatment(p.treatment()));
        if (p.point() != null) {
            g.writeNumberField("latitude", p.point().latitude());
            g.writeNumberField("longitude", p.point().longitude());
        }
        properties(g, p);
        g.writeEndObject();
    }

    /** The fields other than time, treatment and point, as they are in a GeoJSON feature's properties too. */
    static void properties(JsonGenerator g, StoredPosition p) throws IOException {
        optional(g, "altitude", p.altitude());
        optional(g, "angle", p.angle());
        optional(g, "satellites", p.satellites());
        optional(g, "speed", p.speed());
        g.writeNumberField("priority", p.priority());
        g.writeNumberField("eventIo", p.eventIo());
        g.writeStringField("receivedAt", p.receiveTime().toString());
        if (p.io() != null) {
            g.writeObjectFieldStart("io");
            p.visitIo(new IoElementsFormat.Visitor() {
                @Override
                public void fixed(int id, int width, long value) {
                    unchecked(() -> g.writeNumberField(Integer.toString(id), value));
                }

                @Override
                public void variable(int id, byte[] src, int offset, int length) {
                    unchecked(() -> g.writeStringField(Integer.toString(id),
                            HexFormat.of().formatHex(src, offset, offset + length)));
                }
            });
            g.writeEndObject();
        }
    }

    /** One trip; a private trip has no points, whatever its records kept. */
    static void write(JsonGenerator g, Trip trip) throws IOException {
        g.writeStartObject();
        g.writeStringField("start", trip.startTime().toString());
        g.writeStringField("end", trip.endTime().toString());
        g.writeBooleanField("private", trip.privateTrip());
        g.writeNumberField("distanceMetres", trip.distanceMetres());
        g.writeStringField("distanceSource", trip.distanceSource().name().toLowerCase(Locale.ROOT));
        if (!trip.privateTrip()) {
            point(g, "startPoint", trip.start());
            point(g, "endPoint", trip.end());
        }
        g.writeNumberField("records", trip.records());
        g.writeBooleanField("complete", trip.complete());
        g.writeEndObject();
    }

    private static void point(JsonGenerator g, String name, GeoPoint point) throws IOException {
        if (point != null) {
            g.writeObjectFieldStart(name);
            g.writeNumberField("latitude", point.latitude());
            g.writeNumberField("longitude", point.longitude());
            g.writeEndObject();
        }
    }

    private static void optional(JsonGenerator g, String name, Integer value) throws IOException {
        if (value != null) {
            g.writeNumberField(name, value);
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void unchecked(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
