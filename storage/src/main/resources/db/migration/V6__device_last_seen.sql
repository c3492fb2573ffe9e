-- When the gateway last stored records of the device, for the fleet console's device list. Written with the
-- records' own transaction at most about once a minute per device, so it costs ingest next to nothing; not in
-- the devices_changed trigger's columns, so it announces nothing.
ALTER TABLE devices ADD COLUMN last_seen_at timestamptz;
