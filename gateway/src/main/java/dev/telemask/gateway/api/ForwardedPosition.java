package dev.telemask.gateway.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.telemask.codec.Imei;
import dev.telemask.storage.query.StoredPosition;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The body that forwards one stored position to a webhook or Kafka: {@code {"type": "position", "imei": "...",
 * "position": {...}}}, the position exactly as the track API shows it (a coarsened one carries its cell).
 */
public final class ForwardedPosition {
    private static final JsonFactory JSON = new JsonFactory();

    private ForwardedPosition() {
    }

    /** The body of {@code position}. */
    public static String json(StoredPosition position) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("type", "position");
            g.writeStringField("imei", Imei.format(position.imei()));
            g.writeFieldName("position");
            PositionJson.write(g, position);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
