-- The device-time ranges erased from a device (GDPR art. 17), each up to the moment of its erasure: a record of such a
-- range that arrives after the erasure (the device resending frames whose acknowledgement it missed, a backlog, a
-- replay) is the erased data again and is not stored. Only the range is kept, never a record's time; the audit row of
-- the erasure holds the same range. A device's ranges go with the device.
CREATE TABLE erased_ranges (
    imei      bigint      NOT NULL REFERENCES devices (imei) ON DELETE CASCADE,
    from_time timestamptz NOT NULL,
    to_time   timestamptz NOT NULL,
    CHECK (from_time < to_time)
);
CREATE INDEX erased_ranges_device ON erased_ranges (imei);
