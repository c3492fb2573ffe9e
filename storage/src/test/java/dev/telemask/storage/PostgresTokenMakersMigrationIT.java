package dev.telemask.storage;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Tokens made through the API before their makers were recorded (V33): the migration finds each maker in the audit
 * trail and revokes what a former admin made, and what was made with a revoked token, on plain PostgreSQL (embedded).
 */
class PostgresTokenMakersMigrationIT extends DatabaseContract {
    @Override
    TestServer server() {
        return TestServer.plain();
    }

    @Override
    void prepare() throws SQLException {
        Flyway.configure().configuration(Migrations.flyway(dataSource).getConfiguration()).target("31").load()
                .migrate();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO tenants (id, name) OVERRIDING SYSTEM VALUE VALUES (1, 'acme')");
            st.execute("INSERT INTO users (id, tenant_id, username, role, password_hash) OVERRIDING SYSTEM VALUE"
                    + " VALUES (10, 1, 'still-admin', 'admin', 'x'), (11, 1, 'now-viewer', 'viewer', 'x')");
            // 1: the operator's; 2: the staying admin's; 3: the demoted admin's, 4 made with 3; 5: a deleted
            // user's; 7: made with the revoked token 6; 8: made with 2, which expires sooner.
            st.execute("INSERT INTO api_tokens (id, tenant_id, name, role, token_hash, expires_at, revoked_at)"
                    + " OVERRIDING SYSTEM VALUE VALUES"
                    + " (1, 1, 'ops', 'admin', '\\x01', NULL, NULL),"
                    + " (2, 1, 'staying', 'admin', '\\x02', now() + interval '10 days', NULL),"
                    + " (3, 1, 'demoted', 'admin', '\\x03', NULL, NULL),"
                    + " (4, 1, 'made-with-3', 'viewer', '\\x04', NULL, NULL),"
                    + " (5, 1, 'deleted', 'admin', '\\x05', NULL, NULL),"
                    + " (6, 1, 'revoked', 'admin', '\\x06', NULL, now() - interval '1 day'),"
                    + " (7, 1, 'made-with-6', 'admin', '\\x07', NULL, NULL),"
                    + " (8, 1, 'made-with-2', 'admin', '\\x08', now() + interval '90 days', NULL)");
            st.execute("INSERT INTO audit_log (tenant_id, actor, action, target) VALUES"
                    + " (1, 'user:10:still-admin', 'token.create', 'token:2'),"
                    + " (1, 'user:11:now-viewer', 'token.create', 'token:3'),"
                    + " (1, 'token:3:demoted', 'token.create', 'token:4'),"
                    + " (1, 'user:12:gone', 'token.create', 'token:5'),"
                    + " (1, 'token:6:revoked', 'token.create', 'token:7'),"
                    + " (1, 'token:2:staying', 'token.create', 'token:8')");
            st.execute("INSERT INTO webhooks (tenant_id, url, kinds, secret, created_by) VALUES"
                    + " (1, 'https://kept.example/', '{position}', 's', 'user:10:still-admin'),"
                    + " (1, 'https://ops.example/', '{position}', 's', 'token:1:ops'),"
                    + " (1, 'https://demoted.example/', '{position}', 's', 'user:11:now-viewer'),"
                    + " (1, 'https://their-token.example/', '{position}', 's', 'token:4:made-with-3')");
        }
        Migrations.migrate(dataSource);
    }

    @Test
    void whatFormerAdminsMadeAndWhatRevokedTokensMadeIsRevoked() throws SQLException {
        assertEquals(3, queryLong("SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL AND id IN (1, 2, 8)"),
                "the operator's, the staying admin's and what was made with it live on");
        assertEquals(4, queryLong("SELECT count(*) FROM api_tokens WHERE revoked_at IS NOT NULL AND id IN"
                + " (3, 4, 5, 7)"), "a demoted or deleted admin's tokens, and tokens made with revoked ones, end");
    }

    @Test
    void theWebhooksOfFormerAdminsGo() throws SQLException {
        assertEquals(0, queryLong("SELECT count(*) FROM webhooks WHERE url IN ('https://demoted.example/',"
                + " 'https://their-token.example/')"), "made by a former admin, or with a token of theirs");
        assertEquals(2, queryLong("SELECT count(*) FROM webhooks"), "the staying admin's and the operator's stay");
        assertEquals(2, queryLong("SELECT count(*) FROM audit_log WHERE action = 'webhook.delete'"
                + " AND actor = 'telemask'"));
        assertEquals(4, queryLong("SELECT count(*) FROM audit_log WHERE action = 'token.revoke'"
                + " AND actor = 'telemask'"), "each revocation audited");
    }

    @Test
    void makersAreRecordedAndATokenMadeWithATokenExpiresWithIt() throws SQLException {
        assertEquals(10, queryLong("SELECT minted_by_user FROM api_tokens WHERE id = 8"), "the user at the root");
        assertEquals(2, queryLong("SELECT minted_by_token FROM api_tokens WHERE id = 8"));
        assertEquals(1, queryLong("SELECT count(*) FROM api_tokens a JOIN api_tokens b ON b.id = 2"
                + " WHERE a.id = 8 AND a.expires_at = b.expires_at"));
        assertEquals(1, queryLong("SELECT count(*) FROM api_tokens WHERE id = 1 AND minted_by_user IS NULL"
                + " AND minted_by_token IS NULL"), "the operator's token has no maker");
    }
}
