package dev.telemask.gateway.api;

/** The OpenAPI document against the API on real TimescaleDB; skipped, with the reason, without one. */
class TimescaleOpenApiIT extends OpenApiContract {
    @Override
    boolean timescale() {
        return true;
    }
}
