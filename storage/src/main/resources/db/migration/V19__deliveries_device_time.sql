-- A delivery's payload holds its event's position: it is erased with the device's records of that time and goes at
-- the same retention cutoff, so it carries the event's device time.
ALTER TABLE webhook_deliveries ADD COLUMN device_time timestamptz;
UPDATE webhook_deliveries SET device_time = COALESCE((payload::jsonb #>> '{event,deviceTime}')::timestamptz, created_at);
ALTER TABLE webhook_deliveries ALTER COLUMN device_time SET NOT NULL;
CREATE INDEX webhook_deliveries_device_time ON webhook_deliveries (imei, device_time);

-- Tokens made before every token had an expiry stop working 90 days after this migration.
UPDATE api_tokens SET expires_at = now() + interval '90 days' WHERE expires_at IS NULL AND revoked_at IS NULL;
