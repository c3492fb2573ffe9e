-- A fleet's business geofences (depots, customers' yards): circles or simple polygons, as the API validated them.
-- Unlike privacy zones they hide nothing, so they are stored in clear and read back by the fleet.
CREATE TABLE geofences (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   bigint      NOT NULL REFERENCES tenants (id),
    name        text        NOT NULL,
    document    jsonb       NOT NULL,
    created_by  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX geofences_tenant ON geofences (tenant_id);

-- Running gateways take up a fleet's new geofences within a second.
CREATE FUNCTION telemask_notify_geofences() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('telemask_changes', 'tenant:' || COALESCE(NEW.tenant_id, OLD.tenant_id));
    RETURN NULL;
END $$;

CREATE TRIGGER geofences_changed AFTER INSERT OR UPDATE OR DELETE ON geofences
    FOR EACH ROW EXECUTE FUNCTION telemask_notify_geofences();

-- Events computed from decided (masked) records, written in the records' transaction. A resent record gives the
-- same key, so it is stored once. Kept as long as positions (the retention job deletes them by device time).
CREATE TABLE device_events (
    id           bigint      GENERATED ALWAYS AS IDENTITY,
    tenant_id    bigint      NOT NULL,
    imei         bigint      NOT NULL,
    device_time  timestamptz NOT NULL,
    event_io     integer     NOT NULL,
    kind         text        NOT NULL,
    geofence_id  bigint      NOT NULL DEFAULT 0,
    latitude     integer,
    longitude    integer,
    speed        integer,
    treatment    smallint    NOT NULL,
    received_at  timestamptz NOT NULL,
    PRIMARY KEY (imei, device_time, kind, geofence_id)
);
CREATE INDEX device_events_tenant_time ON device_events (tenant_id, device_time, id);
CREATE UNIQUE INDEX device_events_id ON device_events (id);

-- The event detector's per-device state (geofences the device is in, ignition, last record judged), written with
-- the records so that a device reconnecting to another instance carries on.
CREATE TABLE device_event_state (
    imei        bigint      PRIMARY KEY REFERENCES devices (imei) ON DELETE CASCADE,
    state       bytea       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
