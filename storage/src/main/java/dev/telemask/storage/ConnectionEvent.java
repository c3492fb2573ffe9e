package dev.telemask.storage;

/**
 * A device coming online or going offline, as its connection saw it: gateway time, no position.
 *
 * @param imei the device
 * @param atMillis when the connection was made or ended
 * @param onlineAtMillis for an offline event, when the connection that ended came online; {@link #ONLINE} for an
 *                       online event
 */
public record ConnectionEvent(long imei, long atMillis, long onlineAtMillis) {
    /** {@link #onlineAtMillis} of an online event. */
    public static final long ONLINE = Long.MIN_VALUE;

    /** The device connected at {@code atMillis}. */
    public static ConnectionEvent online(long imei, long atMillis) {
        return new ConnectionEvent(imei, atMillis, ONLINE);
    }

    /** The connection that came online at {@code onlineAtMillis} ended at {@code atMillis}. */
    public static ConnectionEvent offline(long imei, long atMillis, long onlineAtMillis) {
        return new ConnectionEvent(imei, atMillis, onlineAtMillis);
    }

    public boolean isOnline() {
        return onlineAtMillis == ONLINE;
    }
}
