-- Column statistics keep sample values of each column (most common values, histogram bounds) until the next ANALYZE,
-- and an ANALYZE that finds the table empty keeps the sample it had: the values of rows long deleted stay in
-- pg_statistic, and in every dump that carries statistics.

-- Columns whose values are hidden once their rows go: a waiting record's times and event ID (its record may be decided
-- hidden by a zone or dropped, which leaves not even its time) and its sealed form; a device's saved state (an erasure
-- replaces it, and the seal key is on every gateway host); events', deliveries' and command answers' positions (an
-- erasure deletes them). No query filters on them by value, so the planner loses nothing without them. Changing a
-- column's type, to the same type (nothing is rewritten), deletes the statistics sampled before; a target of 0 keeps
-- ANALYZE from sampling the column again.
ALTER TABLE sealed_positions ALTER COLUMN device_time TYPE timestamptz, ALTER COLUMN event_io TYPE integer,
    ALTER COLUMN received_at TYPE timestamptz, ALTER COLUMN expires_at TYPE timestamptz, ALTER COLUMN sealed TYPE bytea;
ALTER TABLE sealed_positions ALTER COLUMN device_time SET STATISTICS 0, ALTER COLUMN event_io SET STATISTICS 0,
    ALTER COLUMN received_at SET STATISTICS 0, ALTER COLUMN expires_at SET STATISTICS 0,
    ALTER COLUMN sealed SET STATISTICS 0;
ALTER TABLE devices ALTER COLUMN privacy_state TYPE bytea;
ALTER TABLE devices ALTER COLUMN privacy_state SET STATISTICS 0;
ALTER TABLE device_events ALTER COLUMN latitude TYPE integer, ALTER COLUMN longitude TYPE integer,
    ALTER COLUMN speed TYPE integer;
ALTER TABLE device_events ALTER COLUMN latitude SET STATISTICS 0, ALTER COLUMN longitude SET STATISTICS 0,
    ALTER COLUMN speed SET STATISTICS 0;
ALTER TABLE webhook_deliveries ALTER COLUMN payload TYPE text;
ALTER TABLE webhook_deliveries ALTER COLUMN payload SET STATISTICS 0;
ALTER TABLE device_commands ALTER COLUMN answer TYPE text;
ALTER TABLE device_commands ALTER COLUMN answer SET STATISTICS 0;

-- An older version's start-up sealed the zone centres and the zone key it had left in clear without renewing the
-- statistics, so a sample taken before could still hold them in clear. Renewed here once; the gateway's start-up
-- sealing renews them itself whenever it seals anything (ColumnStatistics).
ANALYZE policy_versions, device_zones, deployment_secrets, devices;
