-- Records whose privacy treatment waits on records not yet received (the earlier part of their trip, a trip
-- start inside the grace window). Everything that locates a record is in `sealed`, encrypted (AES-256-GCM) under
-- a key the database never holds; in clear are only the row's key (device, device time, event IO), when it
-- arrived, when it turns private if still undecided, and which key sealed it. The gateway deletes a row in the
-- same transaction that stores its decided form (or destroys it), and the expiry job makes overdue rows private.
-- A plain table on TimescaleDB too: few rows, short-lived, deleted one by one.
CREATE TABLE sealed_positions (
    imei        bigint      NOT NULL,
    device_time timestamptz NOT NULL,
    event_io    integer     NOT NULL,
    received_at timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    key_id      text        NOT NULL,
    sealed      bytea       NOT NULL,
    PRIMARY KEY (imei, device_time, event_io)
);

CREATE INDEX sealed_positions_expires_at ON sealed_positions (expires_at);
