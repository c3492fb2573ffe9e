package dev.telemask.gateway;

/** Commands to devices on the embedded PostgreSQL. */
class EmbeddedCommandsIT extends CommandsContract {
    @Override
    TestDatabase database() {
        return TestDatabase.EMBEDDED;
    }
}
