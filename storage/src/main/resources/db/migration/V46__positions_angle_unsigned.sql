-- The heading is the wire's unsigned 16-bit value (0..360 from a sane tracker, up to 65535 from a broken one), kept
-- in the smallint column V1 made, its top bit in the sign: 65535 is stored as -1, and every reader takes
-- angle & 65535. Widening the column would rewrite every chunk of positions under an exclusive lock, hours of no
-- ingest for a year of a large fleet, for headings no working tracker sends; the comment tells a direct reader.
COMMENT ON COLUMN positions.angle IS
    'heading as the device sent it, an unsigned 16-bit value stored in a smallint: read angle & 65535';
