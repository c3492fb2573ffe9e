-- A driver's zone belongs to the driver credential that placed it: only that credential moves, resizes or removes
-- it, never the fleet's admin, who could otherwise mint a driver token, create a driver user or reset a driver
-- user's password and take the zone away (and the home it hides with it). The owner is a driver token (its id) or a
-- driver user (its id and the credential epoch the zone was placed in). An admin's reset of a user's password
-- starts a new epoch, so whoever signs in with the new password is not the owner; a user's change of their own
-- password keeps it. Ids are never reused (identity columns), so a deleted user or revoked token is nobody's.
ALTER TABLE users ADD COLUMN credential_epoch bigint NOT NULL DEFAULT 0;

-- Zones placed before this version have no owner: they are orphaned and fail closed, like a zone whose owner is
-- gone (token revoked or expired, user deleted, password reset by an admin): nobody may move, resize or remove
-- them; they keep hiding until the device is deleted. A driver who wants to change one places a new zone.
ALTER TABLE device_zones ADD COLUMN owner_kind text CHECK (owner_kind IN ('user', 'token'));
ALTER TABLE device_zones ADD COLUMN owner_id bigint;
ALTER TABLE device_zones ADD COLUMN owner_epoch bigint;
ALTER TABLE device_zones ADD CONSTRAINT device_zones_owner CHECK (
    (owner_kind IS NULL AND owner_id IS NULL AND owner_epoch IS NULL)
    OR (owner_kind = 'token' AND owner_id IS NOT NULL AND owner_epoch IS NULL)
    OR (owner_kind = 'user' AND owner_id IS NOT NULL AND owner_epoch IS NOT NULL));

-- The owner is set when a zone is placed and never changes: no code path hands a zone to another credential.
CREATE FUNCTION telemask_device_zone_owner_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.owner_kind IS DISTINCT FROM OLD.owner_kind OR NEW.owner_id IS DISTINCT FROM OLD.owner_id
            OR NEW.owner_epoch IS DISTINCT FROM OLD.owner_epoch THEN
        RAISE EXCEPTION 'the owner of a driver zone never changes';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER device_zones_owner_fixed BEFORE UPDATE ON device_zones
    FOR EACH ROW EXECUTE FUNCTION telemask_device_zone_owner_fixed();
