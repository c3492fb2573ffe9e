-- Forwarding: the outbox also carries masked positions (to webhooks subscribing to the kind 'position') and, when the
-- deployment forwards to Kafka, one row per stored position and event for the Kafka sink. A position's row holds
-- only its key (device, device time, event IO), never the position: the delivery reads the stored row when it is
-- sent, so the outbox is no second copy of a track, and a position erased meanwhile is never sent.
-- Erasure and retention delete rows by (imei, device_time) as before.
ALTER TABLE webhook_deliveries ADD COLUMN sink text NOT NULL DEFAULT 'webhook' CHECK (sink IN ('webhook', 'kafka'));
ALTER TABLE webhook_deliveries ADD COLUMN event_io integer;
ALTER TABLE webhook_deliveries ALTER COLUMN webhook_id DROP NOT NULL;
ALTER TABLE webhook_deliveries ALTER COLUMN payload DROP NOT NULL;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_sink_target
    CHECK ((sink = 'webhook') = (webhook_id IS NOT NULL));
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_content
    CHECK (payload IS NOT NULL OR event_io IS NOT NULL);
DROP INDEX webhook_deliveries_due;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (sink, next_attempt_at, id) WHERE state = 'pending';
-- The age of a sink's oldest pending row (its lag metric) without reading the whole backlog.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (sink, id) WHERE state = 'pending';
-- Served by webhook_deliveries_device_time (imei, device_time): one index less to write per row.
DROP INDEX webhook_deliveries_device;
-- Kafka's rows have no webhook: they need no entry in the per-webhook listing's index.
DROP INDEX webhook_deliveries_webhook;
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, state, id) WHERE webhook_id IS NOT NULL;
