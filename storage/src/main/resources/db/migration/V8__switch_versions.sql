-- Every change that decides how a device's records are treated (restriction, the driver's private mode, its policy
-- or the policy's version, its consent, its fleet) bumps devices.switch_version in the transaction of the change.
-- The writer compares, under a row lock in its own transaction, the version each batch was masked under: a batch
-- masked before a change that has committed is not stored, and the gateway masks its frame again. So no record
-- received after such a change returned is stored under the rules before it, on any gateway instance.
ALTER TABLE devices ADD COLUMN switch_version bigint NOT NULL DEFAULT 0;

CREATE FUNCTION telemask_bump_switch_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.restricted IS DISTINCT FROM OLD.restricted OR NEW.private_until IS DISTINCT FROM OLD.private_until
            OR NEW.policy_id IS DISTINCT FROM OLD.policy_id OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id THEN
        NEW.switch_version := OLD.switch_version + 1;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER devices_switch_version BEFORE UPDATE ON devices
    FOR EACH ROW EXECUTE FUNCTION telemask_bump_switch_version();

CREATE FUNCTION telemask_consent_switch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE devices SET switch_version = switch_version + 1 WHERE imei = NEW.imei;
    RETURN NULL;
END $$;

CREATE TRIGGER consent_switch AFTER INSERT ON consent_history
    FOR EACH ROW EXECUTE FUNCTION telemask_consent_switch();

CREATE FUNCTION telemask_policy_switch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE devices SET switch_version = switch_version + 1 WHERE policy_id = NEW.policy_id;
    RETURN NULL;
END $$;

CREATE TRIGGER policy_switch AFTER INSERT ON policy_versions
    FOR EACH ROW EXECUTE FUNCTION telemask_policy_switch();
