-- Restricting a device (GDPR art. 18) is a change of its rules too: records received before it that still wait
-- undecided (sealed) are decided private, never published, whenever and wherever they are decided: by the session
-- that held them, by the device's next connection on any instance, and after the restriction is lifted. Lifting it
-- changes nothing for them: no record of a restricted device waits.
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
    RETURN NEW;
END $$;
