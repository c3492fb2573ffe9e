package dev.telemask.gateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telemask.gateway.cli.Main;
import dev.telemask.gateway.cli.ToolDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code telemask tenant ...} and {@code telemask token ...} against a real database, and their tokens at the API. */
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
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ToolDatabases theServers = (config, init, command) -> new ToolDatabases.Opened() {
            @Override
            public DataSource dataSource() {
                return server.dataSource;
            }

            @Override
            public int migrationsApplied() {
                return 0;
            }

            @Override
            public void close() {
            }
        };
        int code = Main.run(theServers, out, out, args);
        output = bytes.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void theQuarantineIsNoFleetAndGetsNoCredentials() throws Exception {
        // Any fleet's admin claims a quarantined device with POST /devices, with what is stored of it: a customer's
        // fleet named so would have its vehicles taken, and a credential of the quarantine could lift its devices'
        // restriction so that a later claim takes what it stored meanwhile.
        assertEquals(2, run("tenant", "create", "quarantine"));
        assertTrue(output.contains("reserved"), output);
        assertEquals(0, server.queryLong("SELECT count(*) FROM tenants WHERE name = 'quarantine'"));
        server.tenant("quarantine"); // as ingest makes it for an unknown device
        assertEquals(2, run("token", "create", "--tenant", "quarantine", "--role", "admin", "--name", "look"));
        assertTrue(output.contains("reserved"), output);
        java.nio.file.Path password = java.nio.file.Files.createTempFile("telemask-password", ".txt");
        try {
            java.nio.file.Files.writeString(password, "correct horse battery\n");
            assertEquals(2, run("user", "create", "--tenant", "quarantine", "--username", "look", "--role", "admin",
                    "--password-file", password.toString()));
        } finally {
            java.nio.file.Files.delete(password);
        }
        assertTrue(output.contains("reserved"), output);
        assertEquals(0, server.queryLong("SELECT (SELECT count(*) FROM api_tokens k JOIN tenants t ON t.id = k.tenant_id"
                + " WHERE t.name = 'quarantine') + (SELECT count(*) FROM users u JOIN tenants t ON t.id = u.tenant_id"
                + " WHERE t.name = 'quarantine')"), "no credential of the quarantine");
    }

    @Test
    void aFleetIsCreatedExplicitlyAndItsTokenWorksUntilRevoked() {
        assertEquals(2, run("token", "create", "--tenant", "acme", "--role", "admin", "--name", "ops"));
        assertTrue(output.contains("no fleet 'acme'; create it first: ./telemask tenant create acme"), output);
        assertEquals(0, server.queryLong("SELECT count(*) FROM tenants WHERE name = 'acme'"), "no fleet by accident");

        assertEquals(0, run("tenant", "create", "acme"));
        assertEquals(1, run("tenant", "create", "acme"), "a fleet of that name exists");
        assertEquals(2, run("tenant", "create", "no spaces"));
        assertEquals(0, run("token", "create", "--tenant", "acme", "--role", "admin", "--name", "ops"));
        String token = output.lines().findFirst().orElseThrow();
        assertTrue(token.startsWith(ApiTokens.SCHEME), output);
        assertTrue(output.contains("expires "), output);
        assertEquals(0, server.queryLong("SELECT count(*) FROM api_tokens t WHERE position('"
                + token.substring(ApiTokens.SCHEME.length()) + "' IN t::text) > 0"), "the clear token is not stored");
        assertEquals(1, server.queryLong("SELECT count(*) FROM api_tokens WHERE expires_at > now() + interval '89 days'"
                + " AND expires_at < now() + interval '91 days' AND name = 'ops'"), "90 days unless told");
        assertEquals(200, server.get(token, "/api/v1/devices").status());

        assertEquals(0, run("token", "list", "--tenant", "acme"));
        assertTrue(output.contains("\tadmin\t-\tops\t"), output);
        assertFalse(output.contains(token), "listing never shows a secret");
        assertEquals(0, run("tenant", "list"));
        assertTrue(output.contains("acme\t0\t1\t"), output);

        assertEquals(0, run("token", "revoke", token.substring(0, 12)));
        assertEquals(401, server.get(token, "/api/v1/devices").status());
        assertEquals(1, run("token", "revoke", token.substring(0, 12)), "nothing left to revoke");
    }

    @Test
    void aDriverTokenIsBoundToADeviceOfItsFleet() {
        server.device("fleet-d", 356_307_042_441_013L);
        server.tenant("other");
        assertEquals(2, run("token", "create", "--tenant", "fleet-d", "--role", "driver"));
        assertTrue(output.contains("a device"), output);
        assertEquals(2, run("token", "create", "--tenant", "fleet-d", "--role", "driver", "--device", "123"));
        assertEquals(2, run("token", "create", "--tenant", "other", "--role", "driver", "--device", "356307042441013"));
        assertEquals(2, run("token", "create", "--tenant", "fleet-d", "--role", "viewer", "--device", "356307042441013"));
        assertEquals(0, run("token", "create", "--tenant", "fleet-d", "--role", "driver", "--device", "356307042441013",
                "--expires-in", "PT8H"));
        String token = output.lines().findFirst().orElseThrow();
        assertEquals(200, server.get(token, "/api/v1/devices/356307042441013/positions").status());
        long id = server.queryLong("SELECT max(id) FROM api_tokens");
        assertEquals(0, run("token", "revoke", Long.toString(id)));
    }

    @Test
    void theFirstAdminIsMadeWithAPasswordFromAFileAndSignsIn() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("telemask-password", ".txt");
        try {
            java.nio.file.Files.writeString(file, "the first admin's passphrase\n");
            assertEquals(2, run("user", "create", "--tenant", "nowhere", "--username", "root", "--role", "admin",
                    "--password-file", file.toString()));
            assertTrue(output.contains("no fleet 'nowhere'"), output);
            server.tenant("boot");
            assertEquals(2, run("user", "create", "--tenant", "boot", "--username", "root", "--role", "admin",
                    "--password", "on the command line"), "no password on the command line: " + output);
            assertEquals(2, run("user", "create", "--tenant", "boot", "--username", "root", "--role", "driver",
                    "--password-file", file.toString()));
            assertTrue(output.contains("--device"), output);
            java.nio.file.Files.writeString(file, "short\n");
            assertEquals(2, run("user", "create", "--tenant", "boot", "--username", "root", "--role", "admin",
                    "--password-file", file.toString()));
            assertTrue(output.contains("12 to 256 characters"), output);
            java.nio.file.Files.writeString(file, "the first admin's passphrase\n");
            assertEquals(0, run("user", "create", "--tenant", "boot", "--username", "Root@Example.com", "--role",
                    "admin", "--password-file", file.toString()));
            assertTrue(output.contains("created user root@example.com (admin) in fleet boot"), output);
            assertEquals(1, run("user", "create", "--tenant", "boot", "--username", "root@example.com", "--role",
                    "viewer", "--password-file", file.toString()), "the name is taken: " + output);
        } finally {
            java.nio.file.Files.delete(file);
        }
        java.net.http.HttpResponse<String> signedIn = server.client().send(java.net.http.HttpRequest.newBuilder(
                        server.uri("/api/v1/session")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"tenant\": \"boot\", \"username\":"
                        + " \"root@example.com\", \"password\": \"the first admin's passphrase\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(201, signedIn.statusCode(), signedIn.body());
        assertTrue(signedIn.body().contains("\"role\":\"admin\""), signedIn.body());
    }

    @Test
    void everyCommandHasHelpAndUsageErrorsExitTwo() {
        for (String[] help : new String[][] {{"--help"}, {"help"}, {"serve", "--help"}, {"migrate", "--help"},
                {"decode", "--help"}, {"tenant", "--help"}, {"tenant", "create", "--help"}, {"token", "--help"},
                {"token", "create", "--help"}, {"token", "list", "--help"}, {"token", "revoke", "--help"},
                {"user", "--help"}, {"user", "create", "--help"}}) {
            assertEquals(0, run(help), String.join(" ", help) + ": " + output);
            assertTrue(output.contains("Usage: telemask"), String.join(" ", help) + ": " + output);
        }
        assertTrue(run("--help") == 0 && output.contains("tenant") && output.contains("simulate"), output);
        assertEquals(2, run());
        assertEquals(2, run("token", "create", "--tenant", "x", "--role", "root"));
        assertEquals(2, run("token", "create", "--role", "admin"));
        assertTrue(output.contains("--tenant"), "the missing option is named: " + output);
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run("token", "list", "--tenant"));
        assertEquals(2, run("token", "create", "--tenant", "x", "--role", "admin", "--expires-in", "P2Y"));
        assertEquals(2, run("token", "create", "--tenant", "x", "--role", "admin", "--expires-in", "soon"));
    }
}
