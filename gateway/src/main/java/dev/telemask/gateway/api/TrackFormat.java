package dev.telemask.gateway.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.telemask.codec.Imei;
import dev.telemask.storage.query.StoredPosition;
import dev.telemask.storage.query.TimeWindow;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The formats a track is served in, each written row by row onto a stream. */
enum TrackFormat {
    JSON("application/json"),
    GEOJSON("application/geo+json"),
    CSV("text/csv; charset=utf-8"),
    GPX("application/gpx+xml");

    private final String contentType;

    TrackFormat(String contentType) {
        this.contentType = contentType;
    }

    String contentType() {
        return contentType;
    }

    String extension() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The format named by {@code format}, JSON when absent; 400 for an unknown one. */
    static TrackFormat parse(String format) {
        if (format == null) {
            return JSON;
        }
        for (TrackFormat f : values()) {
            if (f.extension().equalsIgnoreCase(format)) {
                return f;
            }
        }
        throw ApiError.badRequest("format", "must be one of json, geojson, csv, gpx; got \""
                + RangeParameters.shortened(format) + "\"");
    }

    /** Writes a track document: {@link #position} per row, then {@link #finish}. */
    interface Writer {
        void position(StoredPosition position) throws IOException;

        /** Ends the document; {@code nextCursor} is null on the last page. */
        void finish(String nextCursor) throws IOException;
    }

    Writer open(OutputStream out, long imei, TimeWindow window) throws IOException {
        return switch (this) {
            case JSON -> new JsonTrack(out, imei, window);
            case GEOJSON -> new GeoJsonTrack(out);
            case CSV -> new CsvTrack(out);
            case GPX -> new GpxTrack(out, imei);
        };
    }

    private static final class JsonTrack implements Writer {
        private final JsonGenerator g;

        JsonTrack(OutputStream out, long imei, TimeWindow window) throws IOException {
            g = ApiRequest.JSON.getFactory().createGenerator(out);
            g.writeStartObject();
            g.writeStringField("imei", Imei.format(imei));
            g.writeStringField("from", window.from().toString());
            g.writeStringField("to", window.to().toString());
            g.writeArrayFieldStart("positions");
        }

        @Override
        public void position(StoredPosition position) throws IOException {
            PositionJson.write(g, position);
        }

        @Override
        public void finish(String nextCursor) throws IOException {
            endWithCursor(g, nextCursor);
        }
    }

    /** Degrees in plain decimal notation (never 1.0E-7: GPX's xsd:decimal has no exponent). */
    static String degrees(int e7) {
        return BigDecimal.valueOf(e7, 7).stripTrailingZeros().toPlainString();
    }

    /** Closes the rows' array and the document, with the next page's cursor last (known only at the end). */
    private static void endWithCursor(JsonGenerator g, String nextCursor) throws IOException {
        g.writeEndArray();
        g.writeStringField("nextCursor", nextCursor);
        g.writeEndObject();
        g.flush();
    }

    /** GeoJSON: a private record is a feature with a null geometry, which RFC 7946 allows for unlocated ones. */
    private static final class GeoJsonTrack implements Writer {
        private final JsonGenerator g;

        GeoJsonTrack(OutputStream out) throws IOException {
            g = ApiRequest.JSON.getFactory().createGenerator(out);
            g.writeStartObject();
            g.writeStringField("type", "FeatureCollection");
            g.writeArrayFieldStart("features");
        }

        @Override
        public void position(StoredPosition p) throws IOException {
            g.writeStartObject();
            g.writeStringField("type", "Feature");
            if (p.point() == null) {
                g.writeNullField("geometry");
            } else {
                g.writeObjectFieldStart("geometry");
                g.writeStringField("type", "Point");
                g.writeArrayFieldStart("coordinates");
                g.writeNumber(p.point().longitude());
                g.writeNumber(p.point().latitude());
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeObjectFieldStart("properties");
            g.writeStringField("time", p.deviceTime().toString());
            g.writeStringField("treatment", PositionJson.treatment(p.treatment()));
            PositionJson.properties(g, p);
            g.writeEndObject();
            g.writeEndObject();
        }

        @Override
        public void finish(String nextCursor) throws IOException {
            endWithCursor(g, nextCursor);
        }
    }

    /** CSV: masked values are empty fields. The next page's cursor is in the X-Next-Cursor header. */
    private static final class CsvTrack implements Writer {
        private final java.io.Writer w;

        CsvTrack(OutputStream out) throws IOException {
            w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            w.write("time,treatment,latitude,longitude,altitude,angle,satellites,speed,priority,event_io,"
                    + "received_at\r\n");
        }

        @Override
        public void position(StoredPosition p) throws IOException {
            w.write(p.deviceTime().toString());
            w.write(',');
            w.write(PositionJson.treatment(p.treatment()));
            w.write(',');
            if (p.point() != null) {
                w.write(degrees(p.point().latitudeE7()));
                w.write(',');
                w.write(degrees(p.point().longitudeE7()));
            } else {
                w.write(',');
            }
            for (Integer value : new Integer[] {p.altitude(), p.angle(), p.satellites(), p.speed()}) {
                w.write(',');
                if (value != null) {
                    w.write(value.toString());
                }
            }
            w.write(',' + Integer.toString(p.priority()) + ',' + p.eventIo() + ',' + p.receiveTime() + "\r\n");
        }

        @Override
        public void finish(String nextCursor) throws IOException {
            w.flush();
        }
    }

    /**
     * GPX: a track point must have coordinates, so private records cannot be points; a private stretch ends the
     * track segment and the next located record starts a new one, leaving a gap where the private trip was.
     */
    private static final class GpxTrack implements Writer {
        private final java.io.Writer w;
        private boolean inSegment;

        GpxTrack(OutputStream out, long imei) throws IOException {
            w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            w.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"Telemask\""
                    + " xmlns=\"http://www.topografix.com/GPX/1/1\">\n<trk><name>" + Imei.format(imei) + "</name>\n");
        }

        @Override
        public void position(StoredPosition p) throws IOException {
            if (p.point() == null) {
                endSegment();
                return;
            }
            if (!inSegment) {
                w.write("<trkseg>\n");
                inSegment = true;
            }
            w.write("<trkpt lat=\"" + degrees(p.point().latitudeE7()) + "\" lon=\""
                    + degrees(p.point().longitudeE7()) + "\">");
            if (p.altitude() != null) {
                w.write("<ele>" + p.altitude() + "</ele>");
            }
            w.write("<time>" + p.deviceTime() + "</time></trkpt>\n");
        }

        private void endSegment() throws IOException {
            if (inSegment) {
                w.write("</trkseg>\n");
                inSegment = false;
            }
        }

        @Override
        public void finish(String nextCursor) throws IOException {
            endSegment();
            w.write("</trk>\n</gpx>\n");
            w.flush();
        }
    }
}
