-- A token never grants more than whoever made it holds now. A token made through the API remembers its maker: the
-- signed-in admin (a user) or the token it was made with, and a token made with a token also the user at the root of
-- that chain. When the user stops being an admin of the fleet (demoted, or deleted), every token they made, and every
-- token made with those, is revoked; when a token is revoked, so is every token made with it; and a token made with
-- a token expires with it at the latest. Revoked stays revoked: promoted again, a user gets no token back. Tokens made
-- from the shell (./telemask token create) have no maker and live until revoked or expired.
-- A webhook is a standing feed of the fleet's data to a URL its maker chose: it goes (with its deliveries still
-- waiting) when the user who made it, or made the token it was made with, stops being an admin of the fleet. (A
-- revoked token's webhooks stay: rotating a token must not stop a fleet's integrations; they are listed to admins.)
-- Each revocation and removal is audited as done by 'telemask', with the reason.
-- Triggers do it, so a change of a user made by the CLI or by hand acts alike. Ids are never reused.
ALTER TABLE api_tokens ADD COLUMN minted_by_user bigint;
ALTER TABLE api_tokens ADD COLUMN minted_by_token bigint;
CREATE INDEX api_tokens_minted_by_user ON api_tokens (minted_by_user) WHERE minted_by_user IS NOT NULL;
CREATE INDEX api_tokens_minted_by_token ON api_tokens (minted_by_token) WHERE minted_by_token IS NOT NULL;

-- Revokes the live tokens among {ids}, auditing each.
CREATE FUNCTION telemask_revoke_tokens(ids bigint[], reason text) RETURNS void LANGUAGE sql AS $$
    WITH revoked AS (
        UPDATE api_tokens SET revoked_at = now() WHERE id = ANY (ids) AND revoked_at IS NULL
        RETURNING id, tenant_id)
    INSERT INTO audit_log (tenant_id, actor, action, target, details)
    SELECT tenant_id, 'telemask', 'token.revoke', 'token:' || id, jsonb_build_object('reason', reason)
    FROM revoked;
$$;

-- Removes the webhooks made (actor 'user:<id>:<name>' or 'token:<id>:<name>') by a user of {users} or by a token
-- whose root maker is one of them, auditing each.
CREATE FUNCTION telemask_remove_webhooks_of(users bigint[], reason text) RETURNS void LANGUAGE sql AS $$
    WITH removed AS (
        DELETE FROM webhooks w WHERE w.created_by ~ '^(user|token):[0-9]+:' AND CASE split_part(w.created_by, ':', 1)
            WHEN 'user' THEN split_part(w.created_by, ':', 2)::bigint = ANY (users)
            ELSE EXISTS (SELECT 1 FROM api_tokens t WHERE t.id = split_part(w.created_by, ':', 2)::bigint
                                                    AND t.minted_by_user = ANY (users)) END
        RETURNING id, tenant_id)
    INSERT INTO audit_log (tenant_id, actor, action, target, details)
    SELECT tenant_id, 'telemask', 'webhook.delete', 'webhook:' || id, jsonb_build_object('reason', reason)
    FROM removed;
$$;

CREATE FUNCTION telemask_end_made_by_former_admin() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.role <> 'admin' OR NEW.tenant_id <> OLD.tenant_id THEN
        PERFORM telemask_revoke_tokens(ARRAY(SELECT id FROM api_tokens WHERE minted_by_user = OLD.id),
                'maker no longer an admin');
        PERFORM telemask_remove_webhooks_of(ARRAY[OLD.id], 'maker no longer an admin');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER users_admin_rights_lost AFTER UPDATE OF role, tenant_id OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION telemask_end_made_by_former_admin();

-- One statement revokes the whole tree made with the token, however deep. The revocations it makes fire this
-- trigger again (one level down), with nothing left to do: they return at once rather than walk their subtrees
-- again. A user's revocation (above) takes the tree by the user at its root.
CREATE FUNCTION telemask_revoke_made_with_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() > 1 THEN
        RETURN NULL;
    END IF;
    PERFORM telemask_revoke_tokens(ARRAY(
        WITH RECURSIVE made (id) AS (
            SELECT id FROM api_tokens WHERE minted_by_token = NEW.id
            UNION
            SELECT t.id FROM api_tokens t JOIN made m ON t.minted_by_token = m.id)
        SELECT id FROM made), 'made with a revoked token');
    RETURN NULL;
END $$;

CREATE TRIGGER api_tokens_revoked AFTER UPDATE OF revoked_at ON api_tokens
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION telemask_revoke_made_with_revoked();

-- Open live streams learn at once, on every instance, that a credential ended or changed (a token revoked, a user's
-- role or vehicle changed, a session ended, also with its deleted user): the change feed hands 'credentials:0' to the
-- live fleet, which checks its streams' credentials again rather than at its next periodic check. Row triggers, so
-- that a statement that ends nothing (a sign-in's clean-up of ended sessions) says nothing; PostgreSQL folds equal
-- notices of one transaction into one.
CREATE FUNCTION telemask_notify_credentials() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('telemask_changes', 'credentials:0');
    RETURN NULL;
END $$;

CREATE TRIGGER api_tokens_revoked_notify AFTER UPDATE OF revoked_at ON api_tokens
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION telemask_notify_credentials();
CREATE TRIGGER users_changed_notify AFTER UPDATE OF role, imei, tenant_id ON users
    FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.imei IS DISTINCT FROM NEW.imei
                       OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)
    EXECUTE FUNCTION telemask_notify_credentials();
CREATE TRIGGER user_sessions_ended_notify AFTER DELETE ON user_sessions
    FOR EACH ROW EXECUTE FUNCTION telemask_notify_credentials();

-- Tokens made before: their maker is in the audit trail ('token.create', actor 'user:<id>:<name>' or
-- 'token:<id>:<name>'). A token whose audit row is missing keeps no maker.
UPDATE api_tokens t SET minted_by_user = split_part(a.actor, ':', 2)::bigint
FROM audit_log a
WHERE a.action = 'token.create' AND a.target = 'token:' || t.id AND a.tenant_id = t.tenant_id
  AND a.actor ~ '^user:[0-9]+:';
UPDATE api_tokens t SET minted_by_token = split_part(a.actor, ':', 2)::bigint
FROM audit_log a
WHERE a.action = 'token.create' AND a.target = 'token:' || t.id AND a.tenant_id = t.tenant_id
  AND a.actor ~ '^token:[0-9]+:';

-- A token is made after the token it was made with (a lower id), so these chains have no cycles.
WITH RECURSIVE chain (id, maker, expires_at) AS (
    SELECT id, minted_by_user, expires_at FROM api_tokens WHERE minted_by_token IS NULL
    UNION ALL
    SELECT t.id, c.maker, least(t.expires_at, c.expires_at) FROM api_tokens t JOIN chain c ON t.minted_by_token = c.id)
UPDATE api_tokens t SET minted_by_user = c.maker, expires_at = c.expires_at
FROM chain c
WHERE t.id = c.id AND (t.minted_by_user IS DISTINCT FROM c.maker OR t.expires_at IS DISTINCT FROM c.expires_at);

-- What was made by someone no longer an admin of the fleet, or with a token since revoked, ends now.
SELECT telemask_revoke_tokens(ARRAY(
    SELECT t.id FROM api_tokens t WHERE t.minted_by_user IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM users u WHERE u.id = t.minted_by_user AND u.tenant_id = t.tenant_id AND u.role = 'admin')),
    'maker no longer an admin');
SELECT telemask_revoke_tokens(ARRAY(
    WITH RECURSIVE dead (id) AS (
        SELECT id FROM api_tokens WHERE revoked_at IS NOT NULL
        UNION
        SELECT t.id FROM api_tokens t JOIN dead d ON t.minted_by_token = d.id)
    SELECT id FROM dead), 'made with a revoked token');
SELECT telemask_remove_webhooks_of(ARRAY(
    SELECT DISTINCT m.maker FROM (
        SELECT split_part(created_by, ':', 2)::bigint AS maker, tenant_id FROM webhooks
        WHERE created_by ~ '^user:[0-9]+:'
        UNION
        SELECT minted_by_user, tenant_id FROM api_tokens WHERE minted_by_user IS NOT NULL) m
    WHERE NOT EXISTS (
        SELECT 1 FROM users u WHERE u.id = m.maker AND u.tenant_id = m.tenant_id AND u.role = 'admin')),
    'maker no longer an admin');
