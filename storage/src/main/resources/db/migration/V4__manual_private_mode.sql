-- The driver's private-mode switch (API or console): until this time every record of the device is private.
-- The gateway reads it with the device and hears of changes through the devices_changed trigger.
ALTER TABLE devices ADD COLUMN private_until timestamptz;

DROP TRIGGER devices_changed ON devices;
CREATE TRIGGER devices_changed
    AFTER INSERT OR DELETE OR UPDATE OF tenant_id, policy_id, restricted, private_until ON devices
    FOR EACH ROW EXECUTE FUNCTION telemask_notify_device();
