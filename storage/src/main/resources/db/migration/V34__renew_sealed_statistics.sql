-- Column statistics keep sample values of each column (most common values, histogram bounds) until the next ANALYZE,
-- and autovacuum analyzes a small table only after dozens of changes. An older version's start-up sealed the zone
-- centres and the zone key it had left in clear without renewing them, so a sample taken before could still hold a
-- policy's zone centres or the zone key in clear. Renewed here once; the gateway's start-up sealing renews them itself
-- from now on whenever it seals anything (ColumnStatistics).
ANALYZE policy_versions, device_zones, deployment_secrets, devices;
