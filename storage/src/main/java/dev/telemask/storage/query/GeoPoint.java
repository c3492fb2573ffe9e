package dev.telemask.storage.query;

/** A stored position, in the stored unit of 1e-7 degree (possibly snapped to the coarsening grid). */
public record GeoPoint(int latitudeE7, int longitudeE7) {
    public double latitude() {
        return latitudeE7 / 1e7;
    }

    public double longitude() {
        return longitudeE7 / 1e7;
    }
}
