package dev.telemask.gateway.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemask.codec.Imei;
import dev.telemask.storage.query.LatestPositions;
import dev.telemask.storage.query.StoredPosition;

/**
 * One device's state on the live map as a server-sent event: its label, when it was last heard of, and its newest
 * stored row exactly as the positions API answers it (time, treatment, and a point only when one is stored: a
 * private record has none, a coarsened one its cell's), never more; or that a device the map showed is gone.
 */
final class LiveEvent {
    private LiveEvent() {
    }

    /** The {@code position} event of a device, ready to write. */
    static String of(LatestPositions.Latest latest) {
        ObjectNode data = ApiRequest.JSON.createObjectNode();
        data.put("imei", Imei.format(latest.imei()));
        if (latest.label() != null) {
            data.put("label", latest.label());
        }
        if (latest.lastSeen() != null) {
            data.put("lastSeenAt", latest.lastSeen().toString());
        }
        StoredPosition p = latest.position();
        if (p != null) {
            ObjectNode position = data.putObject("position");
            position.put("time", p.deviceTime().toString());
            position.put("receivedAt", p.receiveTime().toString());
            position.put("treatment", PositionJson.treatment(p.treatment()));
            if (p.point() != null) {
                position.put("latitude", p.point().latitude());
                position.put("longitude", p.point().longitude());
                if (p.speed() != null) {
                    position.put("speed", p.speed());
                }
                if (p.angle() != null) {
                    position.put("angle", p.angle());
                }
            }
        }
        return event("position", data);
    }

    /** The {@code removed} event of a device that was deleted (or left the caller's fleet): off the map and list. */
    static String removed(long imei) {
        return event("removed",
                ApiRequest.JSON.createObjectNode().put("imei", Imei.format(imei)).put("removed", true));
    }

    private static String event(String name, ObjectNode data) {
        // JSON has no raw line breaks (they are escaped in strings), so one data line holds the whole document.
        return "event: " + name + "\ndata: " + data + "\n\n";
    }
}
