-- A driver's zone keeps the radius its hidden disc was drawn for when it was placed. Resizing the zone then widens
-- or narrows that disc by 2.5 times the change, around the same keyed centre, instead of drawing a new disc for the
-- new radius class: two discs of one home, each putting it in a ring around its own centre, intersect at the home
-- (a zone resized through two class steps was found for 79 homes of 100 by ./telemask bench zone-attack). Zones
-- placed before keep the radius they have now.
ALTER TABLE device_zones ADD COLUMN drawn_for_metres integer;
UPDATE device_zones SET drawn_for_metres = radius_metres;
ALTER TABLE device_zones ALTER COLUMN drawn_for_metres SET NOT NULL;
ALTER TABLE device_zones ADD CONSTRAINT device_zones_drawn_for CHECK (drawn_for_metres > 0);

-- Set once, from the radius, when an insert leaves it out (a gateway of the version before, during an upgrade), and
-- never changed.
CREATE FUNCTION telemask_device_zone_draw_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.drawn_for_metres := COALESCE(NEW.drawn_for_metres, NEW.radius_metres);
    ELSIF NEW.drawn_for_metres IS DISTINCT FROM OLD.drawn_for_metres THEN
        RAISE EXCEPTION 'the radius a driver zone''s disc is drawn for never changes';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER device_zones_draw_fixed BEFORE INSERT OR UPDATE ON device_zones
    FOR EACH ROW EXECUTE FUNCTION telemask_device_zone_draw_fixed();
