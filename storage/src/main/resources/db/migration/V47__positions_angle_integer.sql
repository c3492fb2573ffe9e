-- A device reports its heading as an unsigned 16-bit value (0..65535 on the wire, 0..360 from a sane tracker). The
-- smallint held 0..32767 of it, and the writer wrapped a larger value to a negative heading: stored differently from
-- what was acknowledged. integer holds every value the wire can carry, as speed's column already does. A negative
-- angle stored before came only from that wrap (the writer stores nothing else below 0), so it is unwrapped here.
--
-- This rewrites positions (every chunk, under TimescaleDB) once, under an exclusive lock: the gateway that runs it
-- starts ingesting when it is done. A gateway of before this migration fails its writes from then on (its binary COPY
-- sends the heading as a smallint): stop the old instances first. V43's statistics target of 0 (no sampled headings
-- in pg_statistic) is set again, whatever the type change did to it.
ALTER TABLE positions ALTER COLUMN angle TYPE integer USING CASE WHEN angle < 0 THEN angle + 65536 ELSE angle END;
ALTER TABLE positions ALTER COLUMN angle SET STATISTICS 0;
