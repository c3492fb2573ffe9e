-- Sealed rows live seconds (a trip's start waits its grace window, a new device its anchor delay), so the table churns
-- through its size many times a minute. With the default thresholds (20 % of the table, throttled) autovacuum came
-- after a million dead rows against tens of thousands of live ones, and the table and its indexes grew to hundreds of
-- megabytes that every scan of them reads. Vacuum it after a fixed number of dead rows, unthrottled.
ALTER TABLE sealed_positions SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000,
    autovacuum_vacuum_cost_delay = 0, autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 10000);
