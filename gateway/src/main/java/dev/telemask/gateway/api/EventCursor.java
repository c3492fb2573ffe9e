package dev.telemask.gateway.api;

import dev.telemask.storage.query.EventQuery;


/** The opaque pagination cursor of an event list: the device time and id of the last event served. */
final class EventCursor {
    private static final String VERSION = "e1";

    private EventCursor() {
    }

    static String encode(EventQuery.EventKey key) {
        return Cursor.encode(VERSION, key.deviceTime(), key.id());
    }

    /** The key in {@code cursor}; 400 naming the parameter when it is not one this API made. */
    static EventQuery.EventKey decode(String cursor) {
        return Cursor.decode(VERSION, cursor, EventQuery.EventKey::new);
    }
}
