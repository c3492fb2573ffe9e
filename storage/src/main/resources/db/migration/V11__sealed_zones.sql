-- Zone centres and the key that derives hidden regions are kept only sealed, under the deployment's seal key,
-- which the database never holds: a dump of the database reveals no home. The gateway seals what an older version
-- left in clear at start-up (policy documents, the zone key) and re-seals what an older seal key sealed.
ALTER TABLE deployment_secrets ADD COLUMN sealed boolean NOT NULL DEFAULT false;

-- A driver's own privacy zones (home, a doctor, a place of worship), on top of the device's policy zones. The
-- centre is sealed ("<key-id>:<base64>", AES-256-GCM); the fleet sees a zone's name and radius, never where it is.
CREATE TABLE device_zones (
    id             text        PRIMARY KEY,
    imei           bigint      NOT NULL REFERENCES devices (imei) ON DELETE CASCADE,
    name           text,
    radius_metres  integer     NOT NULL CHECK (radius_metres > 0),
    sealed_centre  text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX device_zones_device ON device_zones (imei);

-- A zone added, moved or removed holds for every record received after the call returned: the change bumps the
-- device's switch version in its own transaction (the writer then refuses batches masked before it), and tells the
-- running gateways to reload the device.
CREATE FUNCTION telemask_device_zone_switch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE devices SET switch_version = switch_version + 1 WHERE imei = COALESCE(NEW.imei, OLD.imei);
    PERFORM pg_notify('telemask_changes', 'device:' || COALESCE(NEW.imei, OLD.imei));
    RETURN NULL;
END $$;

CREATE TRIGGER device_zones_switch AFTER INSERT OR UPDATE OR DELETE ON device_zones
    FOR EACH ROW EXECUTE FUNCTION telemask_device_zone_switch();
