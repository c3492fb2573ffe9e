-- Commands to devices (Teltonika Codec 12). The API queues one on any gateway instance; the instance that holds the
-- device's connection hears of it through NOTIFY at commit, claims it and sends it; the device's answer is stored
-- beside it, masked by the device's policy when the command reveals the device's location.
CREATE TABLE device_commands (
    id                 bigserial   PRIMARY KEY,
    tenant_id          bigint      NOT NULL REFERENCES tenants (id),
    imei               bigint      NOT NULL REFERENCES devices (imei) ON DELETE CASCADE,
    text               text        NOT NULL,
    reveals_location   boolean     NOT NULL,
    state              text        NOT NULL DEFAULT 'queued'
                                   CHECK (state IN ('queued', 'sent', 'answered', 'unanswered')),
    created_at         timestamptz NOT NULL DEFAULT now(),
    created_by         text        NOT NULL,
    expires_at         timestamptz NOT NULL,
    sent_at            timestamptz,
    answered_at        timestamptz,
    -- The answer as stored: the device's text, or for a command that reveals location what the policy lets show.
    answer             text,
    answer_treatment   text
);

CREATE INDEX device_commands_open ON device_commands (imei, id) WHERE state IN ('queued', 'sent');
CREATE INDEX device_commands_created ON device_commands (created_at);

-- Which commands (their first word, lower case) a fleet's admins may send; a fleet without rows gets the
-- gateway's default list.
CREATE TABLE allowed_commands (
    tenant_id  bigint NOT NULL REFERENCES tenants (id),
    command    text   NOT NULL CHECK (command ~ '^[a-z0-9_]{1,32}$'),
    PRIMARY KEY (tenant_id, command)
);

CREATE FUNCTION telemask_notify_command() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('telemask_changes', 'command:' || NEW.imei);
    RETURN NULL;
END $$;

CREATE TRIGGER device_command_queued
    AFTER INSERT ON device_commands
    FOR EACH ROW EXECUTE FUNCTION telemask_notify_command();
