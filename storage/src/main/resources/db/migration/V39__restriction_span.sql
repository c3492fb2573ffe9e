-- When a device's latest restriction (GDPR art. 18) began and, once lifted, ended. A frame received while the device
-- was restricted whose write was refused as stale because the restriction was lifted meanwhile is judged again
-- against this span, by when it was received: it is dropped, as it would have been had it been written at once,
-- rather than stored under the switches of after the lift. A device registered restricted (the quarantine) has no
-- beginning: restricted since ever. The beginning is the change's transaction start and the end the moment of the
-- lifting statement, both the database's clock; each errs towards the restriction.
ALTER TABLE devices ADD COLUMN restricted_from timestamptz, ADD COLUMN restricted_until timestamptz;

CREATE OR REPLACE FUNCTION telemask_bump_switch_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.restricted IS DISTINCT FROM OLD.restricted OR NEW.private_until IS DISTINCT FROM OLD.private_until
            OR NEW.policy_id IS DISTINCT FROM OLD.policy_id OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id THEN
        NEW.switch_version := OLD.switch_version + 1;
    END IF;
    IF NEW.policy_id IS DISTINCT FROM OLD.policy_id OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id
            OR NEW.restricted AND NOT OLD.restricted THEN
        NEW.rules_changed_at := now();
    END IF;
    IF NEW.restricted AND NOT OLD.restricted THEN
        NEW.restricted_from := now();
        NEW.restricted_until := NULL;
    ELSIF OLD.restricted AND NOT NEW.restricted THEN
        NEW.restricted_until := clock_timestamp();
    END IF;
    RETURN NEW;
END $$;
