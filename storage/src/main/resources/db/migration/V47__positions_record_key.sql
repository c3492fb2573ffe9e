-- A position's identity becomes (imei, device_time, record_key), no longer (imei, device_time, event_io).
-- Two records of one device in one millisecond met on one key when a policy withheld their event IDs: both were
-- stored with event 0, and ON CONFLICT DO NOTHING dropped the second, acknowledged, record. And a record decided once
-- with its event ID withheld and, resent to another instance, once with it kept was stored twice. record_key is a
-- keyed hash of the device, the device time and the event ID the device sent (RecordKeys), under a secret kept sealed
-- in deployment_secrets: the same for every decision of a record, and a dump shows neither the withheld ID nor which
-- rows had one withheld.
--
-- Rows stored before keep key 0, except where several share a millisecond: those take their event ID as key, which
-- was unique among them and is already in their row. A record first stored before this migration and resent after
-- it gets a second row (its new key differs): only resends across the upgrade itself can do that.
-- The constant default adds the column without rewriting a chunk; the UPDATE touches only the rows that share a
-- millisecond. The new unique index is built over every stored row, as V1's was, and the writers wait for it:
-- schedule the upgrade, on a large fleet, as that index build.
ALTER TABLE positions ADD COLUMN record_key integer NOT NULL DEFAULT 0;
UPDATE positions p SET record_key = p.event_io
  FROM (SELECT imei, device_time FROM positions GROUP BY imei, device_time HAVING count(*) > 1) shared
 WHERE p.imei = shared.imei AND p.device_time = shared.device_time;
CREATE UNIQUE INDEX positions_device_key ON positions (imei, device_time DESC, record_key);
DROP INDEX positions_device_time;
-- A random key's statistics would tell nothing, and no estimate needs them.
ALTER TABLE positions ALTER COLUMN record_key SET STATISTICS 0;

-- A position's outbox row names its row by the new key; rows queued before name it by event ID (record_key NULL).
ALTER TABLE webhook_deliveries ADD COLUMN record_key integer;
