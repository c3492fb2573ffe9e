-- Tables and TimescaleDB chunks whose planner statistics (pg_stats: most common values, histogram bounds) may still
-- hold values of rows an erasure or a device's deletion deleted: ANALYZE keeps its sample until it runs again, and
-- autovacuum analyzes a table only after a share of it changed, which one device's rows seldom are. The erasure
-- queues them in its own transaction; StatisticsRenewal analyzes them after it committed (an ANALYZE in that
-- transaction would sample its deleted rows as live) and deletes the row once done. A gateway stopped, or a
-- database failing, between the commit and the analysis leaves the row here: the next run, on any instance, does it.
-- Holds table and chunk names only.
CREATE TABLE stale_statistics (
    id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    relation  text        NOT NULL,
    queued_at timestamptz NOT NULL DEFAULT now()
);
