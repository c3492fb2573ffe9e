package dev.telemask.gateway;

/** The gateway on its embedded PostgreSQL, as {@code ./telemask serve} runs by default. */
class EmbeddedIngestIT extends IngestContract {
    @Override
    TestDatabase database() {
        return TestDatabase.EMBEDDED;
    }
}
