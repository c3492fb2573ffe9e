-- A device's switch_version counted from 0 at every registration, so a device deleted and registered again (the same
-- IMEI) went through the versions of its earlier registration again: a gateway session still holding its claim of
-- the deleted row could find its version matching after as many changes, and store the records it held under the
-- deleted registration's rules. Each registration now starts at a block of versions of its own: the registration's
-- number from a sequence times 2^32, which no count of changes reaches. Devices registered before keep theirs.
CREATE SEQUENCE device_registrations;
ALTER TABLE devices ALTER COLUMN switch_version SET DEFAULT (nextval('device_registrations') << 32);
