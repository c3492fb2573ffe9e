-- The planner's column statistics of positions (most common values, histogram bounds; per chunk under TimescaleDB)
-- keep sample values of each column until that table or chunk is analyzed again. An erasure deletes one device's rows
-- from chunks that hold many devices, too few of their rows for autovacuum to analyze them again, so the erased
-- device's coordinates, speeds and IO values (an iButton's driver ID among them) would stay in pg_statistic, and in
-- every dump that carries statistics, for as long as the chunk lives. No query filters positions by these columns
-- (tracks are read by device and time), so the planner loses nothing without them.
--
-- As in V34: changing a column's type to the same type (nothing is rewritten; TimescaleDB does it on every chunk too)
-- deletes the statistics sampled before, and a target of 0 keeps ANALYZE from sampling the column again, on the
-- chunks made later as well.
ALTER TABLE positions ALTER COLUMN longitude TYPE integer, ALTER COLUMN latitude TYPE integer,
    ALTER COLUMN altitude TYPE smallint, ALTER COLUMN angle TYPE smallint, ALTER COLUMN satellites TYPE smallint,
    ALTER COLUMN speed TYPE integer, ALTER COLUMN io TYPE bytea;
ALTER TABLE positions ALTER COLUMN longitude SET STATISTICS 0, ALTER COLUMN latitude SET STATISTICS 0,
    ALTER COLUMN altitude SET STATISTICS 0, ALTER COLUMN angle SET STATISTICS 0,
    ALTER COLUMN satellites SET STATISTICS 0, ALTER COLUMN speed SET STATISTICS 0, ALTER COLUMN io SET STATISTICS 0;
