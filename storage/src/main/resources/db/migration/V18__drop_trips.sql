-- Trips are cut from the stored positions when they are read (TripSegmenter), so that an erasure of positions
-- erases them too; this table was never written.
DROP TABLE trips;
