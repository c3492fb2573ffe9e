package dev.telemask.gateway.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The database URL the gateway logs at start: where it is, never the credentials a URL may carry. */
class RedactedDatabaseUrlTest {
    @Test
    void credentialsInTheQueryOrTheAuthorityAreNotLogged() {
        for (String url : new String[] {
                "jdbc:postgresql://db.internal:5432/telemask?user=telemask&password=s3cret-db-pass",
                "jdbc:postgresql://db.internal:5432/telemask?ssl=true&sslpassword=s3cret-db-pass",
                "jdbc:postgresql://telemask:s3cret-db-pass@db.internal:5432/telemask"}) {
            String logged = RedactedDatabaseUrl.of(url);
            assertFalse(logged.contains("s3cret-db-pass"), logged);
            assertEquals("jdbc:postgresql://db.internal:5432/telemask", logged);
        }
    }

    @Test
    void aUrlWithoutCredentialsIsLoggedAsItIs() {
        assertEquals("jdbc:postgresql://localhost/telemask",
                RedactedDatabaseUrl.of("jdbc:postgresql://localhost/telemask"));
        assertEquals("jdbc:postgresql:telemask", RedactedDatabaseUrl.of("jdbc:postgresql:telemask"));
    }
}
