-- People who sign in to the console: one account per fleet and username (compared without case), with the same
-- roles as tokens (a driver bound to one device, and going with it). Only an Argon2id hash of the password is kept
-- (a PHC string: algorithm, parameters, salt and hash), and failed sign-ins are counted to lock the account out.
CREATE TABLE users (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id       bigint      NOT NULL REFERENCES tenants (id),
    username        text        NOT NULL CHECK (username = lower(username)),
    role            text        NOT NULL CHECK (role IN ('admin', 'viewer', 'driver')),
    imei            bigint      REFERENCES devices (imei) ON DELETE CASCADE,
    password_hash   text        NOT NULL,
    failed_attempts integer     NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_driver_device CHECK ((role = 'driver') = (imei IS NOT NULL)),
    CONSTRAINT users_tenant_username UNIQUE (tenant_id, username)
);

-- A signed-in browser: the cookie's random id is kept only as its SHA-256, so a leaked database signs nobody in.
-- A session ends when idle too long, at its absolute expiry, at sign-out, or with its user.
CREATE TABLE user_sessions (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_hash bytea       NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);
