-- When the rules a device's records are decided by last changed: its policy (another policy, or a new version of
-- it), its fleet, or its own zones. A record received before that and still waiting undecided is decided private
-- (fail closed): a change of rules never publishes what was received under the rules before it, whichever way it
-- goes, on any instance and after any reconnect (the time is the database's, read with the device).
ALTER TABLE devices ADD COLUMN rules_changed_at timestamptz;

CREATE OR REPLACE FUNCTION telemask_bump_switch_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.restricted IS DISTINCT FROM OLD.restricted OR NEW.private_until IS DISTINCT FROM OLD.private_until
            OR NEW.policy_id IS DISTINCT FROM OLD.policy_id OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id THEN
        NEW.switch_version := OLD.switch_version + 1;
    END IF;
    IF NEW.policy_id IS DISTINCT FROM OLD.policy_id OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id THEN
        NEW.rules_changed_at := now();
    END IF;
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION telemask_policy_switch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE devices SET switch_version = switch_version + 1, rules_changed_at = now() WHERE policy_id = NEW.policy_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION telemask_device_zone_switch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE devices SET switch_version = switch_version + 1, rules_changed_at = now()
     WHERE imei = COALESCE(NEW.imei, OLD.imei);
    PERFORM pg_notify('telemask_changes', 'device:' || COALESCE(NEW.imei, OLD.imei));
    RETURN NULL;
END $$;
