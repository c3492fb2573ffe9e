package dev.telemask.gateway.api;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code telemask token ...} against a real database, and the tokens it makes against the API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenCommandIT {
    ApiTestServer server;
    String output;

    @BeforeAll
    void start() {
        server = ApiTestServer.start(Clock.systemUTC());
    }

    @AfterAll
    void stop() {
        server.close();
    }

    int run(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = TokenCommand.run(args, server.dataSource, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        output = bytes.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void createsATenantAndATokenThatWorksUntilRevoked() {
        assertEquals(0, run("create", "--tenant", "acme", "--role",
                "admin", "--name", "ops"));
        String token = output.lines().findFirst().orElseThrow();
        assertTrue(token.startsWith(ApiTokens.SCHEME), output);
        assertEquals(1, server.queryLong("SELECT count(*) FROM tenants WHERE name = 'acme'"));
        assertEquals(0, server.queryLong("SELECT count(*) FROM api_tokens t WHERE position('"
                + token.substring(ApiTokens.SCHEME.length()) + "' IN t::text) > 0"), "the clear token is not stored");
        assertEquals(200, server.get(token, "/api/v1/devices").status());

        assertEquals(0, run("list", "--tenant", "acme"));
        assertTrue(output.contains("\tadmin\t-\tops\t"), output);
        assertFalse(output.contains(token), "listing never shows a secret");

        assertEquals(0, run("revoke", token.substring(0, 12)));
        assertEquals(401, server.get(token, "/api/v1/devices").status());
        assertEquals(1, run("revoke", token.substring(0, 12)), "nothing left to revoke");
    }

    @Test
    void aDriverTokenIsBoundToADeviceOfItsTenant() {
        server.device("fleet-d", 356_307_042_441_013L);
        assertEquals(2, run("create", "--tenant", "fleet-d", "--role", "driver"));
        assertTrue(output.contains("--device"), output);
        assertEquals(2, run("create", "--tenant", "fleet-d", "--role", "driver", "--device", "123"));
        assertEquals(2, run("create", "--tenant", "other", "--role", "driver", "--device", "356307042441013"));
        assertEquals(2, run("create", "--tenant", "fleet-d", "--role", "viewer", "--device", "356307042441013"));
        assertEquals(0, run("create", "--tenant", "fleet-d", "--role", "driver", "--device", "356307042441013"));
        String token = output.lines().findFirst().orElseThrow();
        assertEquals(200, server.get(token, "/api/v1/devices/356307042441013/positions").status());
        long id = server.queryLong("SELECT max(id) FROM api_tokens");
        assertEquals(0, run("revoke", Long.toString(id)));
    }

    @Test
    void usageErrorsExitTwo() {
        assertEquals(2, run());
        assertEquals(2, run("create", "--tenant", "x", "--role", "root"));
        assertEquals(2, run("create", "--role", "admin"));
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run("list", "--tenant"));
        assertEquals(0, run("token", "list", "--tenant", "acme"), "the word token may be passed on");
    }
}
