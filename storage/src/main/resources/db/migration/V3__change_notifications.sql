-- Running gateways learn of device, policy and consent changes within a second, from any writer (API, CLI or a
-- manual UPDATE), through NOTIFY on one channel. The payload says what changed: 'device:<imei>' or 'policy:<id>'.
-- NOTIFY is delivered at commit, so a gateway never reloads a change that was rolled back.

CREATE FUNCTION telemask_notify_device() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('telemask_changes', 'device:' || COALESCE(NEW.imei, OLD.imei));
    RETURN NULL;
END $$;

CREATE FUNCTION telemask_notify_policy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('telemask_changes', 'policy:' || COALESCE(NEW.policy_id, OLD.policy_id));
    RETURN NULL;
END $$;

-- privacy_state is written with every committed batch; it is the gateway's own bookkeeping, not a change to
-- announce, so only the columns a person changes fire the trigger.
CREATE TRIGGER devices_changed
    AFTER INSERT OR DELETE OR UPDATE OF tenant_id, policy_id, restricted ON devices
    FOR EACH ROW EXECUTE FUNCTION telemask_notify_device();

CREATE TRIGGER consent_changed
    AFTER INSERT ON consent_history
    FOR EACH ROW EXECUTE FUNCTION telemask_notify_device();

CREATE TRIGGER policy_versions_changed
    AFTER INSERT OR UPDATE ON policy_versions
    FOR EACH ROW EXECUTE FUNCTION telemask_notify_policy();

-- Secrets shared by every gateway instance of one deployment, made once by whichever instance starts first.
CREATE TABLE deployment_secrets (
    name        text        PRIMARY KEY,
    value       bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
