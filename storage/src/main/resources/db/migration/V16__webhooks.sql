-- A fleet's webhook endpoints: each subscribes to event kinds. The secret signs every delivery (HMAC-SHA256); it is
-- shown once when the webhook is made.
CREATE TABLE webhooks (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   bigint      NOT NULL REFERENCES tenants (id),
    url         text        NOT NULL,
    kinds       text[]      NOT NULL,
    secret      text        NOT NULL,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_tenant ON webhooks (tenant_id);

-- The outbox: one row per (webhook, event), written in the transaction that stores the event, so a delivery exists
-- exactly when its event does. Workers on every instance share it (FOR UPDATE SKIP LOCKED); a claimed row is leased
-- by moving next_attempt_at ahead, so a worker that dies mid-delivery leaves it to be tried again.
CREATE TABLE webhook_deliveries (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id       bigint      NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    tenant_id        bigint      NOT NULL,
    imei             bigint      NOT NULL,
    payload          text        NOT NULL,
    state            text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, state, id);
CREATE INDEX webhook_deliveries_device ON webhook_deliveries (imei);
