package dev.telemask.gateway.api;

/** The OpenAPI document against the API on plain PostgreSQL (embedded). */
class PostgresOpenApiIT extends OpenApiContract {
    @Override
    boolean timescale() {
        return false;
    }
}
