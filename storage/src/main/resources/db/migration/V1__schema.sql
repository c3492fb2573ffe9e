-- Telemask's schema. Times are timestamptz (UTC on the wire); ids of people and things the API names are
-- identity bigints; a device is its IMEI (15 digits fit a bigint).

CREATE TABLE tenants (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- A policy is a name; its content is versioned so that every stored record can be explained by the version
-- that was in force, and a change is never an overwrite.
CREATE TABLE policies (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   bigint      NOT NULL REFERENCES tenants (id),
    name        text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
);

CREATE TABLE policy_versions (
    policy_id   bigint      NOT NULL REFERENCES policies (id),
    version     integer     NOT NULL CHECK (version > 0),
    document    jsonb       NOT NULL,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (policy_id, version)
);

CREATE TABLE devices (
    imei                     bigint      PRIMARY KEY CHECK (imei > 0),
    tenant_id                bigint      NOT NULL REFERENCES tenants (id),
    policy_id                bigint      REFERENCES policies (id),
    label                    text,
    -- GDPR art. 18: records are acknowledged and dropped while set.
    restricted               boolean     NOT NULL DEFAULT false,
    -- The privacy engine's per-device state (trip state, manual private toggle), opaque to storage, so that a
    -- device reconnecting to another gateway instance carries on its private trip.
    privacy_state            bytea,
    privacy_state_updated_at timestamptz,
    created_at               timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX devices_tenant ON devices (tenant_id);

-- Append-only: the current consent is the latest row per (device, kind).
CREATE TABLE consent_history (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    imei        bigint      NOT NULL REFERENCES devices (imei),
    kind        text        NOT NULL CHECK (kind IN ('location', 'driver_identity', 'telemetry')),
    granted     boolean     NOT NULL,
    changed_by  text        NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    reason      text
);
CREATE INDEX consent_history_device ON consent_history (imei, kind, changed_at DESC);

-- Only a hash of the token is kept: a leaked database does not leak API access.
CREATE TABLE api_tokens (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   bigint      NOT NULL REFERENCES tenants (id),
    name        text        NOT NULL,
    role        text        NOT NULL CHECK (role IN ('admin', 'viewer')),
    token_hash  bytea       NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    revoked_at  timestamptz
);

CREATE TABLE audit_log (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   bigint      REFERENCES tenants (id),
    actor       text        NOT NULL,
    action      text        NOT NULL,
    target      text,
    details     jsonb,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant_time ON audit_log (tenant_id, at DESC);

CREATE TABLE trips (
    imei        bigint      NOT NULL REFERENCES devices (imei),
    started_at  timestamptz NOT NULL,
    ended_at    timestamptz,
    private     boolean     NOT NULL,
    distance_m  bigint,
    PRIMARY KEY (imei, started_at)
);

-- One row per stored AVL record. Coordinates are integers in 1e-7 degree, exactly what the device sends: no
-- float rounding (coarsening's grid stays exact), 4 bytes instead of 8 each; degrees = value / 1e7.
-- A masked value (private trip, privacy zone, no consent) is NULL, never a fake 0.
-- No foreign key to devices: it would cost a lookup per inserted row on the hot path, and a device is
-- known to the gateway before any of its records is accepted.
CREATE TABLE positions (
    imei          bigint      NOT NULL,
    device_time   timestamptz NOT NULL,
    receive_time  timestamptz NOT NULL,
    priority      smallint    NOT NULL,
    longitude     integer,
    latitude      integer,
    altitude      smallint,
    angle         smallint,
    satellites    smallint,
    speed         integer,
    event_io      integer     NOT NULL,
    -- Kept IO elements in IoElementsFormat (id u16, width u8, value), NULL when none.
    io            bytea,
    -- dev.telemask.privacy.Treatment code: 0 exact, 1 coarsened, 2 private, 3 zone.
    treatment     smallint    NOT NULL
);

-- The dedup key and the track index in one: a device resending an unacknowledged frame produces the same
-- (imei, device_time, event_io), and a track query is "one device, a time range", served by its prefix.
-- event_io is part of the key because a device may log a periodic and an event record in the same millisecond.
CREATE UNIQUE INDEX positions_device_time ON positions (imei, device_time DESC, event_io);

